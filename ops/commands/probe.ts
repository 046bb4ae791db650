import type { Register } from '../cli';
import { CliError } from '../errors';

// Placeholder until the command lands; see the issue for its behaviour.
export const registerProbe: Register = (program, bind) => {
  program
    .command('probe')
    .description('not implemented yet')
    .action(
      bind(async () => {
        throw new CliError('probe is not implemented yet');
      }),
    );
};
