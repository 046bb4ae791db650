import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { motoEnv } from '../../../test/support/moto';
import { errorLines, runCli, runCliProcess } from './support/cli';
import { createBucket, motoS3 } from './support/versioned';

const COMMANDS = ['status', 'verify', 'restore', 'probe'];

describe('GIVEN the s3-dr CLI', () => {
  it('WHEN run with --help THEN it exits 0 and lists every command', async () => {
    const result = await runCli(['--help']);

    expect(result.code).toBe(0);
    for (const command of ['status', 'verify', 'restore', 'probe']) {
      expect(result.stdout).toMatch(new RegExp(`^ {2}${command}\\b`, 'm'));
    }
  });

  it.each([
    ['status', 's3-dr status --env dev'],
    ['probe', 's3-dr probe --env dev --count 10 --timeout 15m --json'],
  ])('WHEN asked for help on %s THEN it exits 0 and shows examples', async (command, example) => {
    const result = await runCli([command, '--help']);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Examples:');
    expect(result.stdout).toContain(`$ ${example}`);
  });

  it.each(['verify', 'probe'])(
    'WHEN %s --help shows a duration default THEN that default is accepted as the option value',
    async (command) => {
      const help = (await runCli([command, '--help'])).stdout;
      const defaults = [...help.matchAll(/(--[a-z-]+) <duration>[\s\S]*?\(default: ([^)]+)\)/g)].map((m) => [
        m[1] as string,
        m[2] as string,
      ]);

      const result = await runCli([
        '--source',
        'no-such-a',
        '--replica',
        'no-such-b',
        command,
        ...defaults.flat(),
      ]);

      expect(defaults.length).toBeGreaterThan(0);
      expect(errorLines(result.stderr)).toEqual([expect.stringMatching(/bucket no-such-a does not exist/)]);
    },
  );

  it('WHEN given an unknown command THEN it exits 2 with one line naming it, a suggestion and where help is', async () => {
    const result = await runCli(['statsu']);

    expect(result.code).toBe(2);
    expect(result.stderr).toBe("s3-dr: unknown command 'statsu', did you mean status? (run s3-dr --help)\n");
  });

  it('WHEN given an unknown option THEN it exits 2 with one line naming it and the help of its command', async () => {
    const result = await runCli(['status', '--nosuch']);

    expect(result.code).toBe(2);
    expect(result.stderr).toBe("s3-dr: unknown option '--nosuch' (run s3-dr status --help)\n");
  });

  it('WHEN an option is mistyped THEN the one line carries the suggestion', async () => {
    const result = await runCli(['verify', '--jsn']);

    expect(result.stderr).toBe(
      "s3-dr: unknown option '--jsn', did you mean --json? (run s3-dr verify --help)\n",
    );
  });

  it('WHEN a required option is missing THEN it exits 2 with one line in the same style', async () => {
    const result = await runCli(['restore', '--to', '2024-05-01T12:00:00Z']);

    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "s3-dr: required option '--bucket <name>' not specified (run s3-dr restore --help)\n",
    );
  });

  it('WHEN a usage error happens with --json THEN stdout holds a JSON error object', async () => {
    const result = await runCli(['verify', '--jsn', '--json']);

    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toEqual({
      error: {
        code: 'usage',
        message: "unknown option '--jsn', did you mean --json? (run s3-dr verify --help)",
        exitCode: 2,
      },
    });
  });

  it('WHEN a command fails on AWS with --json THEN stdout holds a JSON error object naming the cause', async () => {
    const result = await runCli([
      '--source',
      'no-such-src-s3dr',
      '--replica',
      'no-such-rep-s3dr',
      'verify',
      '--json',
    ]);

    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toEqual({
      error: {
        code: 'not-found',
        message: 'source bucket no-such-src-s3dr does not exist: check the bucket name, --env or --region',
        exitCode: 2,
      },
    });
  });

  it('WHEN no command is given with --json THEN the help goes to stderr and a JSON error to stdout', async () => {
    const result = await runCli(['--json']);

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^Usage: s3-dr/);
    expect(JSON.parse(result.stdout)).toEqual({
      error: { code: 'usage', message: 'a command is needed (run s3-dr --help)', exitCode: 2 },
    });
  });

  it.each([[['--json', '--version']], [['--version', '--json']], [['-V', '--json']]])(
    'WHEN asked for %j THEN it prints the version as JSON and exits 0',
    async (argv) => {
      const { version } = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8'));

      const result = await runCli(argv);

      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toEqual({ version });
      expect(result.stderr).toBe('');
    },
  );

  it('WHEN asked for --version THEN it prints the version in package.json and exits 0', async () => {
    const { version } = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8'));

    const result = await runCli(['--version']);

    expect(result).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it.each(COMMANDS)('WHEN asked for help on %s THEN it shows the global options too', async (command) => {
    const result = await runCli([command, '--help']);

    expect(result.stdout).toMatch(/^Global Options:$/m);
    for (const option of ['--env <suffix>', '--source <bucket>', '--profile <name>', '--json', '--debug']) {
      expect(result.stdout).toContain(`  ${option}`);
    }
  });

  it.each(['', ...COMMANDS])(
    'WHEN the examples in the help of %p are run THEN each gets past the options (fails only for the missing buckets)',
    async (command) => {
      const help = (await runCli(command ? [command, '--help'] : ['--help'])).stdout;
      const examples = help
        .slice(help.indexOf('\nExamples:\n'))
        .split('\n')
        .filter((line) => line.startsWith('  $ s3-dr '));

      expect(examples.length).toBeGreaterThan(0);
      for (const example of examples) {
        const argv = example.replace('  $ s3-dr ', '').split(' ');
        const result = await runCli(argv);
        if (argv.includes('--help')) {
          expect(result.code).toBe(0);
        } else {
          expect([example, errorLines(result.stderr)]).toEqual([
            example,
            [expect.stringMatching(/do(es)? not exist|cannot read outputs file cfn-outputs/)],
          ]);
        }
      }
    },
  );

  it('WHEN a command gets no target THEN it exits 2 with one line listing the ways to name one', async () => {
    const result = await runCli(['status']);

    expect(result.code).toBe(2);
    expect(errorLines(result.stderr)).toEqual([
      's3-dr: no target: pass --env <suffix>, --outputs <file> or --source <bucket> --replica <bucket>',
    ]);
  });

  it('WHEN --source comes without --replica THEN it exits 2 with one line asking for both', async () => {
    const result = await runCli(['probe', '--source', 'a-bucket']);

    expect(result.code).toBe(2);
    expect(errorLines(result.stderr)).toEqual([
      's3-dr: --source and --replica go together: name both buckets',
    ]);
  });

  it.each(['0', '1001'])(
    'WHEN --count is %s THEN it exits 2 with one line naming the option, the value and the rule',
    async (value) => {
      const result = await runCli(['probe', '--source', 'a', '--replica', 'b', '--count', value]);

      expect(result.code).toBe(2);
      expect(errorLines(result.stderr)).toEqual([
        `s3-dr: --count must be a whole number from 1 to 1000, got '${value}'`,
      ]);
    },
  );

  it('WHEN --concurrency is above its ceiling THEN it exits 2 with one line naming the option, the value and the rule', async () => {
    const result = await runCli([
      '--concurrency',
      '100000',
      'restore',
      '--bucket',
      'b',
      '--to',
      '2024-05-01T00:00:00Z',
    ]);

    expect(result.code).toBe(2);
    expect(result.stderr).toBe("s3-dr: --concurrency must be a whole number from 1 to 256, got '100000'\n");
  });

  it('WHEN the help is shown THEN it says the ceiling of --concurrency', async () => {
    const result = await runCli(['--help']);

    expect(result.stdout).toMatch(/--concurrency <n>\s+parallel requests at most, 1 to 256 \(default: 16\)/);
  });

  it('WHEN a command fails THEN stderr has one line and no stack trace', async () => {
    const result = await runCli(['status', '--outputs', '/nonexistent/outputs.json']);

    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^s3-dr: cannot read outputs file/),
    ]);
  });

  it('WHEN a command fails with --debug THEN stderr also shows the stack trace', async () => {
    const result = await runCli(['status', '--outputs', '/nonexistent/outputs.json', '--debug']);

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/\n\s+at .+\(.+\)/);
  });
});

describe('GIVEN target options', () => {
  it.each([
    [['--env', 'dev', '--source', 'a', '--replica', 'b'], '--env and --source/--replica'],
    [['--env', 'dev', '--outputs', 'flat-outputs.json'], '--env and --outputs'],
    [
      ['--outputs', 'flat-outputs.json', '--source', 'a', '--replica', 'b'],
      '--outputs and --source/--replica',
    ],
  ])(
    'WHEN %j name the target twice THEN it exits 2 with one line before any request',
    async (options, which) => {
      const result = await runCli([...options, 'verify']);

      expect(result.code).toBe(2);
      expect(result.stderr).toBe(
        `s3-dr: ${which} both name the target: pass only one of --env <suffix>, --outputs <file> or --source <bucket> --replica <bucket>\n`,
      );
    },
  );

  it.each(['Prod_1', 'back-dev'])(
    'WHEN --env is %s, no valid suffix, THEN it exits 2 with the rule the stack itself enforces',
    async (suffix) => {
      const result = await runCli(['status', '--env', suffix]);

      expect(result.code).toBe(2);
      expect(result.stderr).toBe(
        `s3-dr: --env '${suffix}' is invalid; expected lowercase letters and digits only, at most 35 characters (no hyphen, so that no two suffixes share a resource name: 'back-dev' would name the reverse canary of 'dev'; bucket names must stay within 63)\n`,
      );
    },
  );
});

describe('GIVEN shared AWS config files', () => {
  let files: { AWS_CONFIG_FILE: string; AWS_SHARED_CREDENTIALS_FILE: string };
  beforeAll(() => {
    const dir = mkdtempSync(join(tmpdir(), 's3-dr-aws-'));
    files = { AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials') };
    writeFileSync(
      files.AWS_CONFIG_FILE,
      '[default]\nregion = us-east-1\n\n[profile sso-user]\nregion = us-east-1\n',
    );
    writeFileSync(
      files.AWS_SHARED_CREDENTIALS_FILE,
      '[ops]\naws_access_key_id = testing\naws_secret_access_key = testing\n',
    );
  });

  it('WHEN --profile names a profile in neither file THEN it exits 2 saying that profile does not exist', async () => {
    const result = await runCli(['--profile', 'nosuch', '--source', 'a', '--replica', 'b', 'verify'], {
      env: { ...motoEnv(), ...files },
    });

    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `s3-dr: AWS profile 'nosuch' (--profile) does not exist: it is not in ${files.AWS_CONFIG_FILE} or ${files.AWS_SHARED_CREDENTIALS_FILE} (list them with: aws configure list-profiles)\n`,
    );
  });

  it('WHEN AWS_PROFILE names a profile in neither file THEN the line names AWS_PROFILE', async () => {
    const result = await runCli(['--source', 'a', '--replica', 'b', 'verify'], {
      env: { ...motoEnv(), ...files, AWS_PROFILE: 'typo' },
    });

    expect(result.code).toBe(2);
    expect(errorLines(result.stderr)[0]).toMatch(/^s3-dr: AWS profile 'typo' \(AWS_PROFILE\) does not exist/);
  });

  it('WHEN AWS_PROFILE and AWS_ACCESS_KEY_ID are both set THEN the SDK warning about it stays hidden (shown with --debug)', async () => {
    const s3 = motoS3();
    const [source, replica] = await Promise.all([
      createBucket(s3, 'cli-prof-a'),
      createBucket(s3, 'cli-prof-b'),
    ]);
    const env = { ...motoEnv(), ...files, AWS_PROFILE: 'ops' };

    const quiet = await runCliProcess(['--source', source, '--replica', replica, 'verify'], env);
    const debug = await runCliProcess(['--source', source, '--replica', replica, 'verify', '--debug'], env);

    expect(quiet.stderr).not.toContain('Multiple credential sources');
    expect(debug.stderr).toContain('Multiple credential sources');
    expect(quiet.stdout).toContain(`verify s3://${source}/`);
  });
});
