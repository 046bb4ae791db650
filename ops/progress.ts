/** Where a command writes: stdout for results, stderr for progress and errors. */
export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Whether stderr is a terminal: a redrawn progress line there, periodic plain lines otherwise. */
  readonly stderrIsTTY: boolean;
}

export const processIo: Io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stderrIsTTY: process.stderr.isTTY === true,
};

/**
 * Writes a whole line to stderr between progress updates (a retry, a warning): on a terminal it
 * first clears the progress line being redrawn there, which the next update draws again below.
 */
export function notice(io: Io, text: string): void {
  io.stderr(io.stderrIsTTY ? `\r\x1b[2K${text}` : text);
}

export interface Progress {
  /** Counts `n` more items done; `detail` is shown beside the count. */
  tick(n?: number, detail?: string): void;
  /** Ends the progress display (clears the line on a terminal, prints the final count otherwise). */
  done(): void;
}

const PLAIN_INTERVAL_MS = 5000;
const TTY_INTERVAL_MS = 100;

/** Progress on stderr; `total` may be unknown while listings stream. */
export function createProgress(
  io: Io,
  label: string,
  total?: number,
  now: () => number = Date.now,
): Progress {
  let count = 0;
  let lastDetail = '';
  const started = now();
  let lastDraw = 0;
  const line = (): string => {
    const seconds = ((now() - started) / 1000).toFixed(0);
    const of = total === undefined ? '' : `/${total}`;
    return `${label}: ${count}${of} ${lastDetail} (${seconds}s)`.replace(/\s+\(/, ' (');
  };
  const draw = (force: boolean): void => {
    const t = now();
    const interval = io.stderrIsTTY ? TTY_INTERVAL_MS : PLAIN_INTERVAL_MS;
    if (!force && t - lastDraw < interval) return;
    lastDraw = t;
    io.stderr(io.stderrIsTTY ? `\r\x1b[2K${line()}` : `${line()}\n`);
  };
  return {
    tick(n = 1, detail) {
      count += n;
      if (detail !== undefined) lastDetail = detail;
      draw(false);
    },
    done() {
      io.stderr(io.stderrIsTTY ? `\r\x1b[2K${line()}\n` : `${line()}\n`);
    },
  };
}
