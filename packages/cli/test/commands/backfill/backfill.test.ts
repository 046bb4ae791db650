import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  GetObjectCommand,
  HeadObjectCommand,
  PutBucketReplicationCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { CreateJobCommand, DescribeJobCommand, S3ControlClient } from '@aws-sdk/client-s3-control';
import { mockClient } from 'aws-sdk-client-mock';
import { placeReport } from '../../support/batch-report';
import { cliWorkDir, runCli } from '../../support/cli';
import { createBucket, motoS3, put, remove } from '../../support/versioned';

// backfill against moto for everything S3 (buckets, the --from-report manifest, the completion
// report) and a mocked S3 Control client for CreateJob/DescribeJob, which moto does not serve.

const ROLE = 'arn:aws:iam::123456789012:role/s3-dr-batch-role-t';
const control = mockClient(S3ControlClient);
let s3: S3Client;
let source: string;
let replica: string;
let ops: string;
let target: string[];

beforeAll(async () => {
  s3 = motoS3();
  source = await createBucket(s3, 'bf-src');
  replica = await createBucket(s3, 'bf-rep');
  ops = await createBucket(s3, 'bf-ops');
  target = ['--source', source, '--replica', replica, '--ops-bucket', ops, '--role-arn', ROLE];
  await replicate(source, replica);
});

/** A replication configuration on `from`, as the stack deploys (moto stores it; it does not replicate). */
async function replicate(from: string, to: string): Promise<void> {
  await s3.send(
    new PutBucketReplicationCommand({
      Bucket: from,
      ReplicationConfiguration: {
        Role: 'arn:aws:iam::123456789012:role/replication',
        Rules: [
          {
            ID: 'all',
            Status: 'Enabled',
            Priority: 1,
            Filter: { Prefix: '' },
            DeleteMarkerReplication: { Status: 'Enabled' },
            Destination: { Bucket: `arn:aws:s3:::${to}` },
          },
        ],
      },
    }),
  );
}
beforeEach(() => control.reset());

function verifyReport(name: string, lines: object[]): string {
  const path = join(cliWorkDir(), name);
  writeFileSync(path, lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
  return path;
}

test('GIVEN no --yes WHEN backfilling THEN the plan names the objects, the role and the report, and no job is created', async () => {
  const result = await runCli(['backfill', ...target, '--prefix', 'invoices/']);

  expect(result.code).toBe(0);
  expect(result.stdout).toContain(`backfill s3://${source}: an S3 Batch Replication job (S3ReplicateObject)`);
  expect(result.stdout).toContain('replication status is NONE or FAILED, under "invoices/"');
  expect(result.stdout).toContain(`role      ${ROLE}`);
  expect(result.stdout).toContain(`report    s3://${ops}/reports/backfill/job-<id>/`);
  expect(result.stdout).toContain('Nothing created: add --yes to create this job.');
  expect(control.commandCalls(CreateJobCommand)).toHaveLength(0);
});

test('GIVEN --yes WHEN backfilling THEN one S3ReplicateObject job with a generated, filtered manifest is created', async () => {
  control.on(CreateJobCommand).resolves({ JobId: 'job-gen' });

  const result = await runCli([
    'backfill',
    ...target,
    '--status',
    'failed',
    '--created-after',
    '2024-01-01T00:00:00Z',
    '--yes',
  ]);

  expect(result.code).toBe(0);
  expect(result.stdout).toContain('job job-gen created: follow it with s3-dr backfill --job job-gen --wait');
  const calls = control.commandCalls(CreateJobCommand);
  expect(calls).toHaveLength(1);
  const input = calls[0]?.args[0].input;
  expect(input).toMatchObject({
    AccountId: '123456789012',
    ConfirmationRequired: false,
    Operation: { S3ReplicateObject: {} },
    RoleArn: ROLE,
    Priority: 50,
    Report: { Bucket: `arn:aws:s3:::${ops}`, Prefix: 'reports/backfill', ReportScope: 'AllTasks' },
    ManifestGenerator: {
      S3JobManifestGenerator: {
        SourceBucket: `arn:aws:s3:::${source}`,
        Filter: {
          EligibleForReplication: true,
          ObjectReplicationStatuses: ['FAILED'],
          CreatedAfter: new Date('2024-01-01T00:00:00Z'),
        },
      },
    },
  });
  expect(input?.ClientRequestToken).toMatch(/^[0-9a-f]{64}$/);
});

test('GIVEN a verify report WHEN backfilling --from-report THEN exactly its missing object versions are in the CSV manifest, pinned by ETag', async () => {
  control.on(CreateJobCommand).resolves({ JobId: 'job-csv' });
  const report = verifyReport('missing.jsonl', [
    {
      kind: 'missing',
      key: 'with space+plus%.txt',
      detail: 'x',
      source: { versionId: 'v1', deleteMarker: false, lastModified: 't' },
    },
    {
      kind: 'missing',
      key: 'dir/ü/日本.txt',
      detail: 'x',
      source: { versionId: 'v2', deleteMarker: false, lastModified: 't' },
    },
    {
      kind: 'missing',
      key: 'gone.txt',
      detail: 'x',
      source: { versionId: 'm1', deleteMarker: true, lastModified: 't' },
    },
    {
      kind: 'mismatch',
      key: 'other.txt',
      detail: 'x',
      source: { versionId: 'v3', deleteMarker: false, lastModified: 't' },
    },
    {
      kind: 'pending',
      key: 'young.txt',
      detail: 'x',
      source: { versionId: 'v4', deleteMarker: false, lastModified: 't' },
    },
  ]);

  const plan = await runCli(['backfill', ...target, '--from-report', report]);
  expect(plan.stdout).toContain(`2 missing object versions from ${report}`);
  expect(plan.stdout).toContain('left out: 1 missing delete marker (Batch Replication copies objects)');

  const result = await runCli(['backfill', ...target, '--from-report', report, '--yes']);

  expect(result.code).toBe(0);
  const input = control.commandCalls(CreateJobCommand)[0]?.args[0].input;
  expect(input?.ManifestGenerator).toBeUndefined();
  const location = input?.Manifest?.Location;
  const key = location?.ObjectArn?.replace(`arn:aws:s3:::${ops}/`, '') as string;
  expect(key).toMatch(/^manifests\/backfill-.*\.csv$/);
  const head = await s3.send(new HeadObjectCommand({ Bucket: ops, Key: key }));
  expect(location?.ETag).toBe(head.ETag?.replace(/"/g, ''));
  const body = await (
    await s3.send(new GetObjectCommand({ Bucket: ops, Key: key }))
  ).Body?.transformToString();
  expect(body).toBe(
    `${source},with%20space%2Bplus%25.txt,v1\n${source},dir%2F%C3%BC%2F%E6%97%A5%E6%9C%AC.txt,v2\n`,
  );
});

test('GIVEN a verify --inventory report with a failed entry WHEN backfilling --from-report THEN its version is in the manifest too', async () => {
  control.on(CreateJobCommand).resolves({ JobId: 'job-failed' });
  const report = verifyReport('failed.jsonl', [
    {
      kind: 'failed',
      key: 'failed.txt',
      detail: 'x',
      source: { versionId: 'v9', deleteMarker: false, lastModified: 't' },
    },
  ]);

  const result = await runCli(['backfill', ...target, '--from-report', report, '--yes']);

  expect(result.code).toBe(0);
  const location = control.commandCalls(CreateJobCommand)[0]?.args[0].input?.Manifest?.Location;
  const key = location?.ObjectArn?.replace(`arn:aws:s3:::${ops}/`, '') as string;
  const body = await (
    await s3.send(new GetObjectCommand({ Bucket: ops, Key: key }))
  ).Body?.transformToString();
  expect(body).toBe(`${source},failed.txt,v9\n`);
});

describe('--from-report with the report of a default verify (no version ids)', () => {
  /** A replicated pair in moto (the rule only: moto does not replicate), and its target options. */
  async function pairWith(files: Record<string, string>, replicaFiles: Record<string, string>) {
    const [src, rep] = await Promise.all([createBucket(s3, 'bfr-src'), createBucket(s3, 'bfr-rep')]);
    await replicate(src, rep);
    const versions: Record<string, string> = {};
    for (const [key, body] of Object.entries(files)) versions[key] = await put(s3, src, key, body);
    for (const [key, body] of Object.entries(replicaFiles)) await put(s3, rep, key, body);
    const args = ['--source', src, '--replica', rep, '--ops-bucket', ops, '--role-arn', ROLE];
    return { src, rep, versions, args };
  }

  /** Runs verify on the pair with --report; returns the report's path. */
  async function verifyTo(p: { src: string; rep: string }, name: string): Promise<string> {
    const path = join(cliWorkDir(), name);
    const verified = await runCli([
      '--source',
      p.src,
      '--replica',
      p.rep,
      'verify',
      '--grace',
      '0',
      '--report',
      path,
    ]);
    expect(verified.code).toBe(1);
    return path;
  }

  async function manifestOf(input: { Manifest?: { Location?: { ObjectArn?: string } } } | undefined) {
    const key = input?.Manifest?.Location?.ObjectArn?.replace(`arn:aws:s3:::${ops}/`, '') as string;
    const body = await (
      await s3.send(new GetObjectCommand({ Bucket: ops, Key: key }))
    ).Body?.transformToString();
    return (body ?? '').split('\n').filter(Boolean).sort();
  }

  test('GIVEN keys missing in the replica WHEN verify --report f; backfill --from-report f --yes THEN the job replicates their current versions, read with HeadObject', async () => {
    control.on(CreateJobCommand).resolves({ JobId: 'job-current' });
    const p = await pairWith({ 'a.txt': 'a', 'b/c.txt': 'c', 'same.txt': 's' }, { 'same.txt': 's' });
    const report = await verifyTo(p, 'current-mode.jsonl');

    const result = await runCli(['backfill', ...p.args, '--from-report', report, '--yes']);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`2 missing object versions from ${report}`);
    expect(result.stdout).toContain(
      '2 of them the current version, read with HeadObject (the report names no version id) and still the one the report saw',
    );
    expect(result.stdout).not.toContain('Nothing to replicate');
    expect(result.stdout).toContain('job job-current created');
    expect(await manifestOf(control.commandCalls(CreateJobCommand)[0]?.args[0].input)).toEqual([
      `${p.src},a.txt,${p.versions['a.txt']}`,
      `${p.src},b%2Fc.txt,${p.versions['b/c.txt']}`,
    ]);
  });

  test('GIVEN an old report whose keys were deleted or written again since WHEN backfilling from it THEN they are left out and counted, and only the unchanged key is replicated', async () => {
    control.on(CreateJobCommand).resolves({ JobId: 'job-old' });
    const p = await pairWith({ 'kept.txt': 'k', 'gone.txt': 'g', 'rewritten.txt': 'r1' }, {});
    const report = await verifyTo(p, 'old.jsonl');
    await remove(s3, p.src, 'gone.txt');
    await put(s3, p.src, 'rewritten.txt', 'r2');

    const result = await runCli(['backfill', ...p.args, '--from-report', report, '--yes']);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`1 missing object version from ${report}`);
    expect(result.stdout).toContain(
      'left out: 1 key deleted in the source since the report; 1 key written again in the source since the report (run verify again to see whether the new version is missing)',
    );
    expect(await manifestOf(control.commandCalls(CreateJobCommand)[0]?.args[0].input)).toEqual([
      `${p.src},kept.txt,${p.versions['kept.txt']}`,
    ]);
  });

  test('GIVEN a report whose every missing key was written again since WHEN backfilling from it THEN nothing is created, it says why and exits 1', async () => {
    const p = await pairWith({ 'x.txt': 'x1' }, {});
    const report = await verifyTo(p, 'stale.jsonl');
    await put(s3, p.src, 'x.txt', 'x2');

    const result = await runCli(['backfill', ...p.args, '--from-report', report, '--yes']);

    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      `0 missing object versions from ${report} (no manifest: nothing to replicate)`,
    );
    expect(result.stdout).toContain(
      `Nothing to replicate from ${report}: it lists 1 missing entry, all left out: 1 key written again in the source since the report (run verify again to see whether the new version is missing).`,
    );
    expect(control.commandCalls(CreateJobCommand)).toHaveLength(0);
  });

  test('GIVEN a report without a missing key WHEN backfilling from it THEN it says the report lists none (exit 0, no job)', async () => {
    const report = verifyReport('none-missing.jsonl', [
      {
        kind: 'extra',
        key: 'stray.txt',
        detail: 'x',
        replica: { versionId: 'r', deleteMarker: false, lastModified: 't' },
      },
    ]);

    const result = await runCli(['backfill', ...target, '--from-report', report, '--yes']);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Nothing to replicate: ${report} lists no missing key.`);
    expect(control.commandCalls(CreateJobCommand)).toHaveLength(0);
  });

  test('GIVEN a --from-report file that does not exist THEN one line says so (exit 2, no job)', async () => {
    const path = join(cliWorkDir(), 'no-such-report.jsonl');

    const result = await runCli(['backfill', ...target, '--from-report', path, '--yes']);

    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`s3-dr: cannot read --from-report ${path}: no such file\n`);
    expect(control.commandCalls(CreateJobCommand)).toHaveLength(0);
  });

  test('GIVEN a key a delete marker hides in the replica WHEN backfilling from the report THEN the plan says so and that verify tells afterwards', async () => {
    const p = await pairWith({ 'hidden.txt': 'h' }, { 'hidden.txt': 'h' });
    await remove(s3, p.rep, 'hidden.txt');
    const report = await verifyTo(p, 'hidden.jsonl');

    const result = await runCli(['backfill', ...p.args, '--from-report', report]);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      '1 of them hidden by a delete marker in the replica: run verify after the job to see whether the marker still hides it',
    );
  });
});

describe('--from-report with a CSV manifest (verify --inventory --failed-manifest)', () => {
  function csvManifest(name: string, lines: string[]): string {
    const path = join(cliWorkDir(), name);
    writeFileSync(path, lines.map((l) => `${l}\n`).join(''));
    return path;
  }

  async function jobManifest(): Promise<string[]> {
    const input = control.commandCalls(CreateJobCommand)[0]?.args[0].input;
    const key = input?.Manifest?.Location?.ObjectArn?.replace(`arn:aws:s3:::${ops}/`, '') as string;
    const body = await (
      await s3.send(new GetObjectCommand({ Bucket: ops, Key: key }))
    ).Body?.transformToString();
    return (body ?? '').split('\n').filter(Boolean);
  }

  test('GIVEN lines with version ids and URL-encoded keys WHEN backfilling --from-report THEN the job replicates exactly those versions', async () => {
    control.on(CreateJobCommand).resolves({ JobId: 'job-manifest' });
    const manifest = csvManifest('failed.csv', [
      `${source},%C3%BC%20b%2Bc%25%2C.txt,v1`,
      `${source},dir%2Fnull-version.txt,null`,
    ]);

    const result = await runCli(['backfill', ...target, '--from-report', manifest, '--yes']);

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`2 failed or missing object versions from ${manifest}`);
    expect(await jobManifest()).toEqual([
      `${source},%C3%BC%20b%2Bc%25%2C.txt,v1`,
      `${source},dir%2Fnull-version.txt,null`,
    ]);
  });

  test('GIVEN lines without a version id WHEN backfilling THEN each gets its current version (HeadObject), and a key deleted since is left out', async () => {
    control.on(CreateJobCommand).resolves({ JobId: 'job-latest' });
    const version = await put(s3, source, 'now here.txt', 'n');
    await put(s3, source, 'deleted.txt', 'd');
    await remove(s3, source, 'deleted.txt');
    const manifest = csvManifest('latest.csv', [`${source},now%20here.txt`, `${source},deleted.txt`]);

    const result = await runCli(['backfill', ...target, '--from-report', manifest, '--yes']);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      '1 of them the current version, read with HeadObject (their manifest lines name no version id)',
    );
    expect(result.stdout).toContain('left out: 1 key deleted in the source since the report');
    expect(await jobManifest()).toEqual([`${source},now%20here.txt,${version}`]);
  });

  test.each([
    [['other-bucket,a.txt,v1'], `line 1 names bucket other-bucket, not the source bucket`],
    [['SOURCE,a.txt,v1', 'SOURCE,b.txt,'], 'line 2 is not bucket,key[,versionId]'],
    [['SOURCE,a%ZZ.txt,v1'], 'line 1: the key a%ZZ.txt is not URL-encoded'],
  ])(
    'GIVEN the manifest %j THEN one line names the line and what is wrong (exit 2, no job)',
    async (lines, message) => {
      const manifest = csvManifest(
        'bad.csv',
        lines.map((l) => l.replace('SOURCE', source)),
      );

      const result = await runCli(['backfill', ...target, '--from-report', manifest, '--yes']);

      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`s3-dr: --from-report ${manifest}: ${message}`);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(control.commandCalls(CreateJobCommand)).toHaveLength(0);
    },
  );
});

test('GIVEN --wait WHEN the job completes with failed tasks THEN progress goes to stderr and the failures are summarized with their fix (exit 1)', async () => {
  control.on(CreateJobCommand).resolves({ JobId: 'job-wait' });
  control
    .on(DescribeJobCommand)
    .resolvesOnce({
      Job: {
        JobId: 'job-wait',
        Status: 'Active',
        ProgressSummary: {
          TotalNumberOfTasks: 4,
          NumberOfTasksSucceeded: 1,
          NumberOfTasksFailed: 1,
          Timers: { ElapsedTimeInActiveSeconds: 2 },
        },
      },
    })
    .callsFake(async () => {
      await placeReport(s3, ops, 'reports/backfill', 'job-wait', [
        {
          status: 'succeeded',
          rows: [`${source},a,v1,succeeded,,200,Successful`, `${source},b,v2,succeeded,,200,Successful`],
        },
        {
          status: 'failed',
          rows: [
            `${source},c,v3,failed,,403,DstKmsKeyNotFound`,
            `${source},d,v4,failed,,403,DstKmsKeyNotFound`,
          ],
        },
      ]);
      return {
        Job: {
          JobId: 'job-wait',
          Status: 'Complete',
          ProgressSummary: {
            TotalNumberOfTasks: 4,
            NumberOfTasksSucceeded: 2,
            NumberOfTasksFailed: 2,
            Timers: { ElapsedTimeInActiveSeconds: 4 },
          },
        },
      };
    });

  const result = await runCli(['backfill', ...target, '--yes', '--wait', '--poll-interval', '1s']);

  expect(result.code).toBe(1);
  expect(result.stderr).toContain('backfill: job job-wait Active: 2/4 tasks, 1 succeeded, 1 failed, ETA 2s');
  expect(result.stdout).toContain('job job-wait: Complete: 4/4 tasks, 2 succeeded, 2 failed');
  expect(result.stdout).toContain('report: 2 succeeded, 2 failed');
  expect(result.stdout).toContain('DstKmsKeyNotFound: 2 (e.g. "c", "d")');
  expect(result.stdout).toContain("fix: the rule's ReplicaKmsKeyID names no key in the replica's region");
});

test.each([
  [
    'Failed',
    { FailureReasons: [{ FailureCode: 'ReportNotWritten', FailureReason: 'cannot write report' }] },
    'reason: ReportNotWritten: cannot write report',
  ],
  ['Cancelled', { StatusUpdateReason: 'cancelled by operator' }, 'reason: cancelled by operator'],
])(
  'GIVEN a %s job WHEN shown with --job THEN its state and reason are printed (exit 1, --json too)',
  async (Status, extra, line) => {
    control
      .on(DescribeJobCommand)
      .resolves({ Job: { JobId: `job-${Status}`, Status: Status as 'Failed', ...extra } });

    const text = await runCli(['backfill', ...target, '--job', `job-${Status}`]);
    const json = await runCli(['--json', 'backfill', ...target, '--job', `job-${Status}`]);

    expect(text.code).toBe(1);
    expect(text.stdout).toContain(`job job-${Status}: ${Status}: 0 tasks`);
    expect(text.stdout).toContain(line);
    expect(text.stdout).toContain('report: none');
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ jobId: `job-${Status}`, status: Status });
  },
);

test('GIVEN a stack outputs file WHEN backfilling THEN the ops bucket and role come from OpsBucketName and BatchRoleArn', async () => {
  const outputs = join(cliWorkDir(), 'outputs-batch.json');
  writeFileSync(
    outputs,
    JSON.stringify({
      PrimaryBucketArn: `arn:aws:s3:::${source}`,
      ReplicaBucketArn: `arn:aws:s3:::${replica}`,
      OpsBucketName: ops,
      BatchRoleArn: ROLE,
    }),
  );
  const result = await runCli(['--outputs', outputs, 'backfill']);
  expect(result.code).toBe(0);
  expect(result.stdout).toContain(`role      ${ROLE}`);
  expect(result.stdout).toContain(`s3://${ops}/reports/backfill`);
});

test.each([
  [['--status', 'pending'], "--status 'pending' is invalid; expected none, failed or none,failed"],
  [
    ['--created-after', '2024-06-01T00:00:00Z', '--created-before', '2024-01-01T00:00:00Z'],
    '--created-after must be before --created-before',
  ],
  [['--from-report', 'x.jsonl', '--prefix', 'a/'], '--from-report names the exact objects'],
  [['--created-after', '2024-01-01'], "--created-after '2024-01-01' is not a valid point in time"],
  [['--job', 'j', '--yes'], '--job shows an existing job'],
])('usage error %j: one line, exit 2, no job', async (args, message) => {
  const result = await runCli(['backfill', ...target, ...args]);
  expect(result.code).toBe(2);
  expect(result.stderr).toContain(message);
  expect(control.commandCalls(CreateJobCommand)).toHaveLength(0);
});

test('GIVEN a pair named by --source/--replica without an ops bucket or role THEN it says which options are missing (exit 2)', async () => {
  const result = await runCli(['backfill', '--source', source, '--replica', replica]);
  expect(result.code).toBe(2);
  expect(result.stderr).toContain('no --ops-bucket <bucket> and --role-arn <arn>');
});

describe('GIVEN a target backfill cannot work on THEN planning refuses with one line (exit 2), also in --json, and no job', () => {
  test.each([
    [
      'a source that does not exist',
      () => ['--source', 'bf-nosuch-src', '--ops-bucket', ops],
      'not-found',
      'source bucket bf-nosuch-src does not exist: check the bucket name, --env or --region',
    ],
    [
      'an ops bucket that does not exist',
      () => ['--source', source, '--ops-bucket', 'bf-nosuch-ops'],
      'not-found',
      'ops bucket bf-nosuch-ops does not exist: check the bucket name, --env or --region',
    ],
  ])('%s', async (_, args, code, message) => {
    const text = await runCli(['backfill', ...args(), '--replica', replica, '--role-arn', ROLE]);
    const json = await runCli(['--json', 'backfill', ...args(), '--replica', replica, '--role-arn', ROLE]);

    expect(text.code).toBe(2);
    expect(text.stdout).toBe('');
    expect(text.stderr).toBe(`s3-dr: ${message}\n`);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toEqual({ error: { code, message, exitCode: 2 } });
    expect(control.commandCalls(CreateJobCommand)).toHaveLength(0);
  });

  test('a source without a replication configuration', async () => {
    const bare = await createBucket(s3, 'bf-bare');
    const args = [
      'backfill',
      '--source',
      bare,
      '--replica',
      replica,
      '--ops-bucket',
      ops,
      '--role-arn',
      ROLE,
    ];
    const message = `source bucket ${bare} has no replication configuration: Batch Replication replicates by its rules; deploy the pair or check --source/--env`;

    const text = await runCli([...args, '--yes']);
    const json = await runCli(['--json', ...args]);

    expect(text.code).toBe(2);
    expect(text.stderr).toBe(`s3-dr: ${message}\n`);
    expect(JSON.parse(json.stdout)).toEqual({ error: { code: 'not-replicated', message, exitCode: 2 } });
    expect(control.commandCalls(CreateJobCommand)).toHaveLength(0);
  });
});

describe('--poll-interval takes a duration, as every other duration option', () => {
  test.each(['backfill', 'restore'])(
    '%s --help shows --poll-interval <duration> (default: 10s), not --poll',
    async (command) => {
      const help = (await runCli([command, '--help'])).stdout;
      expect(help).toMatch(/--poll-interval <duration>[\s\S]*?\(default: 10s\)/);
      expect(help).not.toMatch(/--poll </);
    },
  );

  test('a bare number is refused with the duration message (exit 2)', async () => {
    const result = await runCli(['backfill', ...target, '--poll-interval', '10']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--poll-interval needs a unit: 10s, 10m or 10h?');
  });

  test('the former --poll <seconds> still works, hidden', async () => {
    control.on(DescribeJobCommand).resolves({ Job: { JobId: 'job-p', Status: 'Complete' } });
    const result = await runCli(['backfill', ...target, '--job', 'job-p', '--wait', '--poll', '1']);
    expect(result.code).toBe(0);
  });
});
