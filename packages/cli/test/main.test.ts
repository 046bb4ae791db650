import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { motoEnv } from '../../../test/support/moto';
import { runCliProcess } from './support/cli';

// The executable, dist/s3-dr.js, as a shell starts it (support/cli.ts builds it when it is stale).

const COMMANDS = ['status', 'verify', 'restore', 'probe'];

/** Node.js's own log of every module it loads (NODE_DEBUG=module), on stderr. */
const traceModules = { ...motoEnv(), NODE_DEBUG: 'module' };

describe('GIVEN the s3-dr executable', () => {
  it('WHEN run with --help THEN it exits 0 and prints the usage', async () => {
    const result = await runCliProcess(['--help']);

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: s3-dr \[options\] \[command\]/);
  });

  it('WHEN asked for --version THEN it prints the version in package.json, written in at build time', async () => {
    const { version } = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8'));

    const result = await runCliProcess(['--version']);

    expect(result).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it.each(['', ...COMMANDS])(
    'WHEN it prints the help of %p THEN it loads no AWS SDK package',
    async (command) => {
      const result = await runCliProcess(command ? [command, '--help'] : ['--help'], traceModules);

      expect(result.code).toBe(0);
      expect(result.stderr).toMatch(/^MODULE \d+: load /m);
      expect(result.stderr).not.toContain('@aws-sdk/');
      expect(result.stderr).not.toContain('@smithy/');
    },
  );

  it('WHEN a command runs THEN it loads the S3 client on first use', async () => {
    const result = await runCliProcess(
      ['--source', 'no-such-a', '--replica', 'no-such-b', 'verify'],
      traceModules,
    );

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^MODULE \d+: load ".*@aws-sdk\/client-s3\//m);
  });

  it('WHEN its output goes to a reader that stops early (| head -1) THEN it exits quietly', async () => {
    const result = await runCliProcess(['verify', '--help'], motoEnv(), { closeStdout: true });

    expect(result.stderr).toBe('');
    expect(result.code).toBe(141);
  });
});
