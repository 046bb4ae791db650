import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { motoEnv } from '../../../../test/support/moto';
import { run } from '../../src/cli';
import type { Io } from '../../src/shared/progress';

/** What one CLI run produced. */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Environment for a run: a value of `undefined` removes that variable. */
export type CliEnv = Readonly<Record<string, string | undefined>>;

export interface RunCliOptions {
  /**
   * Variables set while the command runs (merged over the current process environment and
   * restored afterwards). @default motoEnv(): dummy credentials and the test moto_server
   */
  readonly env?: CliEnv;
  /** Whether the captured stderr claims to be a terminal (redrawn progress line). @default false */
  readonly stderrIsTTY?: boolean;
  /** Sees every chunk written to stdout as it is written, e.g. to interrupt at a given point. */
  readonly onStdout?: (text: string) => void;
  /** Sees every chunk written to stderr as it is written. */
  readonly onStderr?: (text: string) => void;
}

/**
 * Runs the s3-dr CLI in-process through `run()` of src/cli.ts, capturing stdout and stderr.
 *
 * The SDK and commander read AWS_* variables from `process.env`, so the run's `env` is applied to
 * `process.env` for its duration: don't start two in-process runs with different `env` at the
 * same time (runs with the same env may overlap).
 */
export async function runCli(argv: readonly string[], options: RunCliOptions = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    stdout: (text) => {
      stdout += text;
      options.onStdout?.(text);
    },
    stderr: (text) => {
      stderr += text;
      options.onStderr?.(text);
    },
    stderrIsTTY: options.stderrIsTTY ?? false,
  };
  const restore = applyEnv(options.env ?? motoEnv());
  const leave = enterWorkDir();
  try {
    const code = await run(argv, io);
    return { code, stdout, stderr };
  } finally {
    leave();
    restore();
  }
}

/**
 * Runs happen in a scratch directory, so files the CLI writes to its working directory (restore
 * journals) never land in the repository. Overlapping runs share it; the last one out restores
 * the previous directory, which the CDK tests in the same worker rely on.
 */
const workDir = mkdtempSync(join(tmpdir(), 's3-dr-cli-'));
let runsInWorkDir = 0;
let cwdBefore = process.cwd();

function enterWorkDir(): () => void {
  if (runsInWorkDir++ === 0) {
    cwdBefore = process.cwd();
    process.chdir(workDir);
  }
  return () => {
    if (--runsInWorkDir === 0) process.chdir(cwdBefore);
  };
}

/** The directory CLI runs use as their working directory. */
export function cliWorkDir(): string {
  return workDir;
}

const PACKAGE_DIR = join(__dirname, '..', '..');
const EXECUTABLE = join(PACKAGE_DIR, 'dist', 's3-dr.js');
/** What dist/s3-dr.js is built from. */
const BUILD_INPUTS = [
  join(PACKAGE_DIR, 'src'),
  join(PACKAGE_DIR, '..', 'naming', 'src'),
  join(PACKAGE_DIR, 'package.json'),
  join(PACKAGE_DIR, 'scripts', 'build.mjs'),
];
let executableChecked = false;

/**
 * Builds dist/s3-dr.js (scripts/build.mjs, under a second) when it is missing or older than any
 * of its sources, so that a test never runs a stale executable. Checked once per test file.
 */
export function ensureExecutable(): string {
  if (!executableChecked) {
    const newest = Math.max(...BUILD_INPUTS.map(newestChange));
    if (!existsSync(EXECUTABLE) || statSync(EXECUTABLE).mtimeMs < newest) {
      execFileSync(process.execPath, [join(PACKAGE_DIR, 'scripts', 'build.mjs')], { stdio: 'pipe' });
    }
    executableChecked = true;
  }
  return EXECUTABLE;
}

/** The latest modification time of a file, or of any file under a directory. */
function newestChange(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  const files = readdirSync(path, { recursive: true, encoding: 'utf8' });
  return Math.max(stat.mtimeMs, ...files.map((file) => statSync(join(path, file)).mtimeMs));
}

/**
 * Runs the executable dist/s3-dr.js in a child process, as `npx s3-dr` does (built first if it is
 * stale). The child gets PATH and HOME from this process and otherwise only `env` (default
 * motoEnv()), so credentials of the developer's shell never leak into a test. Slower than
 * {@link runCli} (a few tenths of a second to start).
 * `closeStdout` closes the reading end of the child's stdout at once, as `| head` does once it
 * has read enough.
 */
export function runCliProcess(
  argv: readonly string[],
  env: CliEnv = motoEnv(),
  { closeStdout = false }: { closeStdout?: boolean } = {},
): Promise<CliResult> {
  const childEnv: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME };
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) delete childEnv[name];
    else childEnv[name] = value;
  }
  const bin = ensureExecutable();
  return new Promise((resolve, reject) => {
    // Started as a shell would start it: through its #!/usr/bin/env node line.
    const child = spawn(bin, [...argv], {
      cwd: workDir,
      env: childEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    if (closeStdout) child.stdout.destroy();
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** The stderr lines that are not SDK or Node runtime warnings (those are not ours to test). */
export function errorLines(stderr: string): string[] {
  return stderr
    .split('\n')
    .filter((line) => line.startsWith('s3-dr:'))
    .map((line) => line.trim());
}

function applyEnv(env: CliEnv): () => void {
  const saved = new Map<string, string | undefined>();
  for (const [name, value] of Object.entries(env)) {
    saved.set(name, process.env[name]);
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  return () => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}
