import type { Register } from '../cli';
import { CliError } from '../errors';

// Placeholder until the command lands; see the issue for its behaviour.
export const registerStatus: Register = (program, bind) => {
  program
    .command('status')
    .description('not implemented yet')
    .action(
      bind(async () => {
        throw new CliError('status is not implemented yet');
      }),
    );
};
