import type { Register } from '../cli';
import { CliError } from '../errors';

// Placeholder until the command lands; see the issue for its behaviour.
export const registerVerify: Register = (program, bind) => {
  program
    .command('verify')
    .description('not implemented yet')
    .action(
      bind(async () => {
        throw new CliError('verify is not implemented yet');
      }),
    );
};
