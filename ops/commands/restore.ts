import type { Register } from '../cli';
import { CliError } from '../errors';

// Placeholder until the command lands; see the issue for its behaviour.
export const registerRestore: Register = (program, bind) => {
  program
    .command('restore')
    .description('not implemented yet')
    .action(
      bind(async () => {
        throw new CliError('restore is not implemented yet');
      }),
    );
};
