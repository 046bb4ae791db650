import type { Command } from 'commander';
import type { AwsClients } from './aws';
import { checkAwsOptions } from './aws-options';
import { CliError } from './errors';
import { type Io, notice } from './progress';
import { checkTargetOptions, resolveTarget, type Target } from './target';

/** Options every command accepts (see src/cli.ts). */
export interface GlobalOptions {
  readonly env?: string;
  readonly outputs?: string;
  readonly source?: string;
  readonly replica?: string;
  readonly region?: string;
  readonly profile?: string;
  /** The replica's side (a vault in another account): its profile, or a role to assume. */
  readonly replicaProfile?: string;
  readonly replicaRoleArn?: string;
  /** MFA for --replica-role-arn: the device, and its code (asked on the terminal when absent). */
  readonly mfaSerial?: string;
  readonly mfaCode?: string;
  readonly endpointUrl?: string;
  readonly json: boolean;
  readonly debug: boolean;
  readonly concurrency: number;
}

/** What a command gets to work with; created once per run, clients built lazily. */
export interface CommandContext {
  readonly io: Io;
  readonly options: GlobalOptions;
  clients(): AwsClients;
  target(): Promise<Target>;
  /** Prints a result: `json` with --json, otherwise `text`. */
  print(text: string, json: unknown): void;
}

/** A command's implementation: gets the context and its own options, returns the exit code. */
export type CommandAction<O> = (ctx: CommandContext, options: O) => Promise<number>;

/**
 * Registers a command on the program: `(program, bind) => program.command(...).action(bind(fn))`.
 * Registration only declares options and help; `fn` loads the command's implementation on first
 * use, so that `--help` never loads the AWS SDK.
 */
export type Register = (
  program: Command,
  bind: <O>(action: CommandAction<O>) => (options: O) => Promise<void>,
) => void;

/**
 * Checks the global options (target, profile, endpoint: usage errors, before any request) and
 * returns the context a command runs with.
 */
export function createContext(io: Io, options: GlobalOptions): CommandContext {
  checkTargetOptions(options);
  checkAwsOptions(options);
  let clients: AwsClients | undefined;
  const getClients = (): AwsClients => {
    if (!clients) {
      // Required on first use, not at start-up: loading the SDK is most of the CLI's start-up time.
      const { createClients } = require('./aws') as typeof import('./aws');
      clients = createClients({ ...options, log: (text) => notice(io, text) });
    }
    return clients;
  };
  return {
    io,
    options,
    clients: getClients,
    target: () => resolveTarget(options, getClients),
    print(text, json) {
      io.stdout(
        options.json ? `${JSON.stringify(json, null, 2)}\n` : text.endsWith('\n') ? text : `${text}\n`,
      );
    },
  };
}

/**
 * Parses a positive integer option value (at most `max`, when given), or fails with a usage error
 * naming the option, the value and the rule.
 */
export function positiveInt(name: string, max?: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || (max !== undefined && n > max)) {
      const rule = max === undefined ? 'a positive whole number' : `a whole number from 1 to ${max}`;
      throw new CliError(`${name} must be ${rule}, got '${value}'`);
    }
    return n;
  };
}
