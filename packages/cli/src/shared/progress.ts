import { formatDuration } from './duration';

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

/** Shortest time between two progress lines: redrawn in place on a terminal, appended otherwise. */
const PLAIN_INTERVAL_MS = 5000;
const TTY_INTERVAL_MS = 100;
/** While nothing is counted (a probe waiting, a slow listing) the line is still redrawn this often. */
const PLAIN_HEARTBEAT_MS = 30_000;
const TTY_HEARTBEAT_MS = 1000;

/**
 * Progress on stderr; `total` may be unknown while listings stream. The line shows the time
 * elapsed and is redrawn while nothing happens too, so that a wait never looks like a hang. It
 * is not drawn before the first item or the first heartbeat, and `done` draws nothing if nothing
 * was drawn or counted (a failure at the start is one error line, not a progress line and an error).
 */
export function createProgress(
  io: Io,
  label: string,
  total?: number,
  now: () => number = Date.now,
): Progress {
  let count = 0;
  let lastDetail = '';
  const started = now();
  let lastDraw = started;
  let drawn = false;
  /** The last line printed on plain stderr: `done` does not print it twice. */
  let lastLine = '';
  const line = (): string => {
    // Not rounded down to whole seconds: 0.9s of work is not "0ms".
    const elapsed = formatDuration(now() - started);
    const of = total === undefined ? '' : `/${total}`;
    return `${label}: ${count}${of}${lastDetail ? ` ${lastDetail}` : ''} (${elapsed})`;
  };
  const draw = (minInterval: number): void => {
    const t = now();
    if (t - lastDraw < minInterval) return;
    lastDraw = t;
    drawn = true;
    lastLine = line();
    io.stderr(io.stderrIsTTY ? `\r\x1b[2K${lastLine}` : `${lastLine}\n`);
  };
  const heartbeatMs = io.stderrIsTTY ? TTY_HEARTBEAT_MS : PLAIN_HEARTBEAT_MS;
  const heartbeat = setInterval(() => draw(heartbeatMs - 50), heartbeatMs);
  heartbeat.unref();
  return {
    tick(n = 1, detail) {
      count += n;
      if (detail !== undefined) lastDetail = detail;
      draw(io.stderrIsTTY ? TTY_INTERVAL_MS : PLAIN_INTERVAL_MS);
    },
    done() {
      clearInterval(heartbeat);
      if (!drawn && count === 0) return;
      if (io.stderrIsTTY) io.stderr(`\r\x1b[2K${line()}\n`);
      else if (line() !== lastLine) io.stderr(`${line()}\n`);
    },
  };
}
