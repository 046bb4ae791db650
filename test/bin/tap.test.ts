import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CDK_JSON_CONTEXT } from '../support/tap';

/** Runs bin/tap.ts as `cdk synth` runs it: context in CDK_CONTEXT_JSON, output to CDK_OUTDIR. */
function runApp(context: Record<string, unknown>, outdir = mkdtempSync(join(tmpdir(), 'tap-'))) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'bin/tap.ts'], {
    cwd: join(__dirname, '..', '..'),
    env: {
      PATH: process.env.PATH,
      CDK_OUTDIR: outdir,
      CDK_CONTEXT_JSON: JSON.stringify({ ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [], ...context }),
    },
    encoding: 'utf8',
  });
  return { ...result, outdir };
}

describe('bin/tap.ts', () => {
  test('synthesizes TapStack<suffix> without credentials or an account', () => {
    const { status, outdir } = runApp({ environmentSuffix: 'ci' });
    try {
      expect(status).toBe(0);
      expect(existsSync(join(outdir, 'TapStackci.template.json'))).toBe(true);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });

  test('invalid context fails with one message naming every bad key, its value and the rule, and no stack trace', () => {
    const { status, stderr, outdir } = runApp({ environmentSuffix: 'Bad_Suffix', removalPolicy: 'keep' });
    rmSync(outdir, { recursive: true, force: true });
    expect(status).toBe(1);
    expect(stderr.trim()).toBe(
      [
        'Invalid configuration (CDK context):',
        "  - environmentSuffix: 'Bad_Suffix' is invalid; expected lowercase letters and digits only, at most 35 characters (no hyphen, so that no two suffixes share a resource name: 'back-dev' would name the reverse canary of 'dev'; bucket names must stay within 63)",
        "  - removalPolicy: 'keep' is invalid; expected 'destroy' or 'retain'",
      ].join('\n'),
    );
  });

  test('a misspelt context key fails the synth naming it and the key meant', () => {
    const { status, stderr, outdir } = runApp({ environmentSuffix: 'ci', bidirectonal: 'true' });
    rmSync(outdir, { recursive: true, force: true });
    expect(status).toBe(1);
    expect(stderr).toContain(
      "  - bidirectonal: 'true' is not a context key of this app (did you mean bidirectional?)",
    );
  });

  test("a synth without warnings leaves no earlier synth's validation report, which the cdk CLI would print again", () => {
    const outdir = mkdtempSync(join(tmpdir(), 'tap-'));
    writeFileSync(
      join(outdir, 'validation-report.json'),
      '{"title":"an earlier synth: No alarmEmail is set"}',
    );
    try {
      const { status } = runApp(
        { environmentSuffix: 'ci', alarmEmail: 'oncall@example.com', removalPolicy: 'destroy' },
        outdir,
      );
      expect(status).toBe(0);
      const report = join(outdir, 'validation-report.json');
      expect(existsSync(report) ? readFileSync(report, 'utf8') : '').not.toContain('an earlier synth');
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
