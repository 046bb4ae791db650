import { Command, CommanderError, Option } from 'commander';
import { registerBackfill } from './commands/backfill/register';
import { registerDrill } from './commands/drill/register';
import { registerFailback } from './commands/failback/register';
import { registerFailover } from './commands/failover/register';
import { registerProbe } from './commands/probe/register';
import { registerRestore } from './commands/restore/register';
import { registerStatus } from './commands/status/register';
import { registerVerify } from './commands/verify/register';
import { DEFAULT_CONCURRENCY, MAX_CONCURRENCY } from './shared/aws-options';
import {
  type CommandAction,
  createContext,
  type GlobalOptions,
  positiveInt,
  type Register,
} from './shared/context';
import { CliError, EXIT, errorJson } from './shared/errors';
import { type Io, processIo } from './shared/progress';
import { packageVersion } from './shared/version';

const COMMANDS: readonly Register[] = [
  registerStatus,
  registerVerify,
  registerRestore,
  registerBackfill,
  registerProbe,
  registerFailover,
  registerFailback,
  registerDrill,
];

const HELP = `
Exit codes: 0 healthy, identical or done; 1 findings, differences or items that failed; 2 usage
error, no credentials, no access, or a target that does not exist. Errors are one line on stderr
(with --json also {"error": {"code", "message", "exitCode"}} on stdout).

Examples:
  $ s3-dr status --env dev
  $ s3-dr verify --env prod --prefix invoices/
  $ s3-dr restore --bucket my-bucket --to 2024-05-01T12:00:00Z --dry-run
  $ s3-dr probe --env dev
  $ s3-dr failover --env prod --yes --wait
  $ s3-dr drill --env dev --skip fault,failover
  $ s3-dr verify --help
`;

/**
 * Runs the CLI with `argv` (without node and script) and returns the exit code. It never throws:
 * errors become one line on stderr (a stack trace only with --debug; with --json also a JSON
 * error object on stdout) and exit code 2 or 1.
 */
export async function run(argv: readonly string[], io: Io = processIo): Promise<number> {
  let exitCode: number = EXIT.ok;
  let debug = argv.includes('--debug');
  const json = argv.includes('--json');
  const version = packageVersion();
  const program = new Command('s3-dr')
    .description(
      'Disaster-recovery operations for a replicated pair of S3 buckets: an s3-dr deployment, or any versioned source and replica.',
    )
    // Not commander's .version(), which prints plain text even with --json.
    .option('-V, --version', 'print the version of s3-dr')
    .on('option:version', () => {
      io.stdout(json ? `${JSON.stringify({ version }, null, 2)}\n` : `${version}\n`);
      throw new CommanderError(EXIT.ok, 'commander.version', version);
    })
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .configureHelp({ showGlobalOptions: true })
    .showSuggestionAfterError(true)
    .option('--env <suffix>', 'the deployment: reads the outputs of stack TapStack<suffix>')
    .option(
      '--outputs <file>',
      'the stack outputs as JSON: flat {OutputKey: value} (e.g. cfn-outputs/flat-outputs.json), or as cdk deploy --outputs-file writes them',
    )
    .option('--source <bucket>', 'source (primary) bucket name; with --replica')
    .option('--replica <bucket>', 'replica bucket name; with --source')
    .option(
      '--region <region>',
      'AWS region of the stack and everything but the buckets, each read in its own region (default: AWS_REGION, else AWS_DEFAULT_REGION, else us-east-1)',
    )
    .option('--profile <name>', 'AWS shared-config profile (default: AWS_PROFILE)')
    .option(
      '--replica-profile <name>',
      "profile for the replica's side when it is a vault in another account (default: the same credentials)",
    )
    .option(
      '--replica-role-arn <arn>',
      "role of the vault's account to assume for the replica's side (instead of --replica-profile)",
    )
    .option(
      '--mfa-serial <arn>',
      "with --replica-role-arn: the MFA device (its ARN or serial number) of a role that requires MFA, such as the vault's recovery role",
    )
    .option(
      '--mfa-code <code>',
      'with --mfa-serial: the current 6-digit code (default: asked on the terminal)',
    )
    .addOption(new Option('--endpoint-url <url>', 'S3-compatible or test endpoint').env('AWS_ENDPOINT_URL'))
    .option(
      '--concurrency <n>',
      `parallel requests at most, 1 to ${MAX_CONCURRENCY}`,
      positiveInt('--concurrency', MAX_CONCURRENCY),
      DEFAULT_CONCURRENCY,
    )
    .option('--json', 'machine-readable output on stdout', false)
    .option('--debug', 'show stack traces and SDK details on errors', false)
    .addHelpText('after', HELP);

  const bind =
    <O>(action: CommandAction<O>) =>
    async (options: O): Promise<void> => {
      const globals = program.opts<GlobalOptions>();
      debug = globals.debug;
      // Checks the options before any work, so a usage error is the first and only line.
      const ctx = createContext(io, globals);
      exitCode = await action(ctx, options);
    };
  for (const register of COMMANDS) register(program, bind);

  // commander prints its usage errors itself; instead, remember which command failed and report
  // them below in the same one-line style as every other error.
  let failedCommand = program;
  for (const command of withSubcommands(program)) {
    command.configureOutput({
      outputError: () => {
        failedCommand = command;
      },
    });
  }

  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here with code 0; `s3-dr` alone printed its help to stderr.
      if (err.exitCode === 0) return EXIT.ok;
      if (err.code === 'commander.help') {
        // The help went to stderr; scripts reading stdout get a JSON error all the same.
        if (json) printJsonError(io, new CliError('a command is needed (run s3-dr --help)'));
        return EXIT.usage;
      }
      return fail(io, usageError(err, failedCommand), { json, debug: false });
    }
    return fail(io, err, { json, debug });
  }
  return exitCode;
}

/**
 * commander's `error: unknown option '--jsn'\n(Did you mean --json?)` as one line:
 * `unknown option '--jsn', did you mean --json? (run s3-dr verify --help)`.
 */
function usageError(err: CommanderError, command: Command): CliError {
  const [first = '', ...rest] = err.message.replace(/^error: /, '').split('\n');
  const suggestion = /^\(Did you mean (.+)\)$/.exec(rest.join(' ').trim())?.[1];
  const help = `${commandPath(command)} --help`;
  const text = first.replace(/\.$/, '');
  return new CliError(`${text}${suggestion ? `, did you mean ${suggestion}` : ''} (run ${help})`);
}

/** A command and all the commands under it (`drill` has `drill report`). */
function withSubcommands(command: Command): Command[] {
  return [command, ...command.commands.flatMap(withSubcommands)];
}

/** How a command is typed: `s3-dr`, `s3-dr verify`, `s3-dr drill report`. */
function commandPath(command: Command): string {
  return command.parent ? `${commandPath(command.parent)} ${command.name()}` : command.name();
}

/** Reports an error that ended the run: one line on stderr, and with --json an error object on stdout. */
function fail(io: Io, err: unknown, { json, debug }: { json: boolean; debug: boolean }): number {
  const cliError =
    err instanceof CliError
      ? err
      : new CliError(
          `unexpected error: ${(err as Error)?.message?.split('\n')[0] ?? String(err)}`,
          EXIT.usage,
          'internal',
        );
  io.stderr(`s3-dr: ${cliError.message}\n`);
  if (debug && err instanceof Error && err.stack) io.stderr(`${err.stack}\n`);
  if (json) printJsonError(io, cliError);
  return cliError.exitCode;
}

function printJsonError(io: Io, err: CliError): void {
  io.stdout(`${JSON.stringify({ error: errorJson(err) }, null, 2)}\n`);
}
