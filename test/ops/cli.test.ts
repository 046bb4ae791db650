import { errorLines, runCli, runCliProcess } from '../support/cli';

describe('GIVEN the s3-dr CLI', () => {
  it('WHEN run with --help THEN it exits 0 and lists every command', async () => {
    const result = await runCli(['--help']);

    expect(result.code).toBe(0);
    for (const command of ['status', 'verify', 'restore', 'probe']) {
      expect(result.stdout).toMatch(new RegExp(`^ {2}${command}\\b`, 'm'));
    }
  });

  it('WHEN run as the installed executable with --help THEN it exits 0 and prints the usage', async () => {
    const result = await runCliProcess(['--help']);

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: s3-dr \[options\] \[command\]/);
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

  it('WHEN given an unknown command THEN it exits 2 and names it', async () => {
    const result = await runCli(['statsu']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown command 'statsu'");
  });

  it('WHEN given an unknown option THEN it exits 2 and names it', async () => {
    const result = await runCli(['status', '--nosuch']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown option '--nosuch'");
  });

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

  it('WHEN --count is not a positive whole number THEN it exits 2 with one line naming the option', async () => {
    const result = await runCli(['probe', '--source', 'a', '--replica', 'b', '--count', '0']);

    expect(result.code).toBe(2);
    expect(errorLines(result.stderr)).toEqual(["s3-dr: --count must be a positive whole number, got '0'"]);
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
