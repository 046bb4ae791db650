import { Command, CommanderError, Option } from 'commander';
import { DEFAULT_CONCURRENCY } from './aws';
import { registerProbe } from './commands/probe';
import { registerRestore } from './commands/restore';
import { registerStatus } from './commands/status';
import { registerVerify } from './commands/verify';
import { type CommandContext, createContext, type GlobalOptions, positiveInt } from './context';
import { CliError, EXIT } from './errors';
import { type Io, processIo } from './progress';

/** A command's implementation: gets the context and its own options, returns the exit code. */
export type CommandAction<O> = (ctx: CommandContext, options: O) => Promise<number>;

/** Registers a command on the program: `(program, bind) => program.command(...).action(bind(fn))`. */
export type Register = (
  program: Command,
  bind: <O>(action: CommandAction<O>) => (options: O) => Promise<void>,
) => void;

const COMMANDS: readonly Register[] = [registerStatus, registerVerify, registerRestore, registerProbe];

/**
 * Runs the CLI with `argv` (without node and script) and returns the exit code. It never throws:
 * errors become one line on stderr (a stack trace only with --debug) and exit code 2 or 1.
 */
export async function run(argv: readonly string[], io: Io = processIo): Promise<number> {
  let exitCode: number = EXIT.ok;
  let debug = argv.includes('--debug');
  const program = new Command('s3-dr')
    .description('Disaster-recovery operations for S3 buckets replicated by the s3-dr stack.')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .option('--env <suffix>', 'the deployment: reads the outputs of stack TapStack<suffix>')
    .option(
      '--outputs <file>',
      'a flat {OutputKey: OutputValue} JSON file, e.g. cfn-outputs/flat-outputs.json',
    )
    .option('--source <bucket>', 'source (primary) bucket name; with --replica')
    .option('--replica <bucket>', 'replica bucket name; with --source')
    .option('--region <region>', 'AWS region (default: AWS_REGION, else us-east-1)')
    .option('--profile <name>', 'AWS shared-config profile')
    .addOption(new Option('--endpoint-url <url>', 'S3-compatible or test endpoint').env('AWS_ENDPOINT_URL'))
    .option(
      '--concurrency <n>',
      'parallel requests at most',
      positiveInt('--concurrency'),
      DEFAULT_CONCURRENCY,
    )
    .option('--json', 'machine-readable output on stdout', false)
    .option('--debug', 'show stack traces and SDK details on errors', false)
    .showSuggestionAfterError(true);

  const bind =
    <O>(action: CommandAction<O>) =>
    async (options: O): Promise<void> => {
      const globals = program.opts<GlobalOptions>();
      debug = globals.debug;
      exitCode = await action(createContext(io, globals), options);
    };
  for (const register of COMMANDS) register(program, bind);

  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here with code 0; parse errors were already printed by commander.
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    const cliError = err instanceof CliError ? err : undefined;
    const message = cliError?.message ?? `unexpected error: ${(err as Error)?.message ?? String(err)}`;
    io.stderr(`s3-dr: ${message}\n`);
    if (debug && err instanceof Error && err.stack) io.stderr(`${err.stack}\n`);
    return cliError?.exitCode ?? EXIT.usage;
  }
  return exitCode;
}
