import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runCli } from '../../packages/cli/test/support/cli';
import { createBucket, motoS3, put } from '../../packages/cli/test/support/versioned';
import { motoEnv, uniqueBucket } from '../support/moto';

// bench/inventory-reports.ts is how docs/commands/verify.md lets a reader try verify --inventory on
// moto (which has no S3 Inventory): its reports must be ones verify reads, and the command it
// prints must run.

const ROOT = join(__dirname, '..', '..');

/** Runs the bench script with `args` in `env`; its stdout. */
async function bench(args: readonly string[], env: NodeJS.ProcessEnv): Promise<string> {
  const { stdout } = await promisify(execFile)('npx', ['tsx', 'bench/inventory-reports.ts', ...args], {
    cwd: ROOT,
    env,
  });
  return stdout;
}

test('GIVEN two buckets in moto WHEN bench/inventory-reports.ts writes their reports THEN the verify command it prints judges them', async () => {
  const s3 = motoS3();
  const [source, replica] = await Promise.all([createBucket(s3, 'ir-src'), createBucket(s3, 'ir-rep')]);
  for (const bucket of [source, replica]) await put(s3, bucket, 'a.txt', 'alpha');
  await put(s3, source, 'lost.txt', 'never replicated');
  const destination = uniqueBucket('ir-ops');

  const stdout = await bench(
    ['--source', source, '--replica', replica, '--destination', destination, '--failed', 'lost.txt'],
    { ...process.env, ...motoEnv() },
  );
  const words = stdout.trim().split(' ');
  const result = await runCli(words.slice(1));

  expect(words[0]).toBe('s3-dr');
  expect(result.stderr).not.toMatch(/^s3-dr: /m);
  expect(result.stdout.trim().split('\n').at(-1)).toBe('FAIL: 1 failed, 0 missing, 0 mismatched');
});

test('GIVEN only AWS_DEFAULT_REGION set, as in the README tour WHEN bench/inventory-reports.ts writes the reports THEN it takes that region and prints the verify command', async () => {
  const s3 = motoS3();
  const [source, replica] = await Promise.all([createBucket(s3, 'ir-dsrc'), createBucket(s3, 'ir-drep')]);
  for (const bucket of [source, replica]) await put(s3, bucket, 'a.txt', 'alpha');
  const env: NodeJS.ProcessEnv = { ...process.env, ...motoEnv(), AWS_DEFAULT_REGION: 'us-east-1' };
  delete env.AWS_REGION;

  const stdout = await bench(
    ['--source', source, '--replica', replica, '--destination', uniqueBucket('ir-dops')],
    env,
  );

  expect(stdout).toMatch(new RegExp(`^s3-dr verify --source ${source} --replica ${replica} --inventory `));
});
