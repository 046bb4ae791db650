import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';

/** What one command of a session printed (stdout and stderr, interleaved as written) and its exit code. */
export interface CommandResult {
  readonly command: string;
  readonly output: string;
  readonly code: number;
}

/**
 * One bash process that runs commands one after the other, as a user pastes them into a terminal:
 * variables, `cd` and background jobs carry over from one command to the next. Each command's
 * output and exit code are read back before the next one is sent.
 */
export class ShellSession {
  private readonly bash: ChildProcessWithoutNullStreams;
  /** A line no command prints: it ends each command's output and carries its exit code. */
  private readonly marker = `__command_done_${randomBytes(8).toString('hex')}`;
  private buffered = '';
  private exited = false;
  private onData: () => void = () => {};

  constructor(cwd: string, env: NodeJS.ProcessEnv) {
    // Its own process group, so that close() also stops what the commands started in the background.
    this.bash = spawn('bash', ['--noprofile', '--norc'], { cwd, env, detached: true });
    this.bash.stdout.on('data', (chunk: Buffer) => {
      this.buffered += chunk.toString();
      this.onData();
    });
    this.bash.stderr.on('data', (chunk: Buffer) => {
      this.buffered += chunk.toString();
      this.onData();
    });
    this.bash.once('exit', () => {
      this.exited = true;
      this.onData();
    });
    // Stderr into stdout from here on, so that one stream keeps the order in which lines were written.
    this.bash.stdin.write('exec 2>&1\n');
  }

  /**
   * Runs one command (several lines allowed) and resolves with its output and exit code. Its
   * standard input is /dev/null, as a pasted command that does not read the terminal sees it, so
   * that it cannot swallow the commands sent after it.
   */
  run(command: string, timeoutMs = 60_000): Promise<CommandResult> {
    const done = new RegExp(`\\n?${this.marker} (\\d+)\\n`);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.onData = () => {};
        reject(new Error(`no end after ${timeoutMs} ms of: ${command}\noutput so far:\n${this.buffered}`));
      }, timeoutMs);
      this.onData = () => {
        const end = done.exec(this.buffered);
        if (!end && !this.exited) return;
        clearTimeout(timer);
        this.onData = () => {};
        if (!end) {
          reject(new Error(`bash exited during: ${command}\noutput:\n${this.buffered}`));
          return;
        }
        const output = this.buffered.slice(0, end.index);
        this.buffered = this.buffered.slice(end.index + end[0].length);
        resolve({ command, output, code: Number(end[1]) });
      };
      this.bash.stdin.write(`{\n${command}\n} < /dev/null\nprintf '\\n%s %d\\n' ${this.marker} "$?"\n`);
      this.onData();
    });
  }

  /** Ends bash and everything it started (the session's process group). */
  async close(): Promise<void> {
    if (this.exited || this.bash.pid === undefined) return;
    const exited = new Promise((resolve) => this.bash.once('exit', resolve));
    try {
      process.kill(-this.bash.pid, 'SIGTERM');
    } catch {
      // already gone
    }
    await exited;
  }
}
