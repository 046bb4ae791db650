import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { runCli } from '../../support/cli';
import { putRule } from '../../support/dr-pair';
import {
  type InventoryRow,
  inventoryRow,
  putReport,
  putReports,
  type ReportSpec,
  rowsOf,
} from '../../support/inventory';
import { createBucket, motoS3, put, remove } from '../../support/versioned';

// verify --inventory against reports written to moto's S3 in S3 Inventory's layout. moto has no
// inventory: the reports are written by the test, from the buckets' own versions (rowsOf) or by hand.

let s3: S3Client;
beforeAll(() => {
  s3 = motoS3();
});

const HOUR = 3_600_000;
/** An ORC report's fileSchema, as storage-inventory-location.html shows it. */
const ORC_SCHEMA =
  'struct<bucket:string,key:string,version_id:string,is_latest:boolean,is_delete_marker:boolean,size:bigint,last_modified_date:timestamp,e_tag:string,storage_class:string,replication_status:string>';
/** Keys that URL encoding and decoding must not change. */
const AWKWARD_KEYS = [
  'ünïcödé/日本語.txt',
  'with space.txt',
  'a+b=c.txt',
  '100%/sure%20not.txt',
  'x//y///z/.txt',
];

interface Setup {
  readonly source: string;
  readonly replica: string;
  readonly destination: string;
}

async function buckets(): Promise<Setup> {
  const [source, replica, destination] = await Promise.all([
    createBucket(s3, 'inv-src'),
    createBucket(s3, 'inv-rep'),
    createBucket(s3, 'inv-ops', 'none'),
  ]);
  return { source, replica, destination };
}

/** Reports of both buckets made now, from what moto holds (source: COMPLETED, replica: REPLICA). */
async function reportsNow(
  p: Setup,
  format: ReportSpec['format'],
  status: (key: string) => string = () => 'COMPLETED',
): Promise<string[]> {
  const createdAt = Date.now() + 60_000;
  const source = await putReport(s3, {
    destination: p.destination,
    sourceBucket: p.source,
    createdAt,
    format,
    rows: await rowsOf(s3, p.source, status),
  });
  const replica = await putReport(s3, {
    destination: p.destination,
    sourceBucket: p.replica,
    createdAt,
    format,
    rows: await rowsOf(s3, p.replica, () => 'REPLICA'),
  });
  // Written seconds ago: judged only without a grace period, as listing-based verify --grace 0.
  return ['--source-inventory', source, '--replica-inventory', replica, '--grace', '0'];
}

const verify = (p: Setup, ...extra: string[]) =>
  runCli(['--source', p.source, '--replica', p.replica, 'verify', ...extra]);

function reportLines(file: string): { kind: string; key: string; versionId?: string }[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line))
    .map((d) => ({ kind: d.kind, key: d.key, ...(d.versionId ? { versionId: d.versionId } : {}) }))
    .sort((a, b) => `${a.kind} ${a.key}`.localeCompare(`${b.kind} ${b.key}`));
}

/** Buckets with every kind of difference verify's current mode reports, under awkward keys. */
async function divergedPair(): Promise<Setup> {
  const p = await buckets();
  for (const key of [...AWKWARD_KEYS, 'same.txt', 'changed.txt', 'gone.txt']) {
    await put(s3, p.source, key, `v1 ${key}`);
    await put(s3, p.replica, key, `v1 ${key}`);
  }
  await put(s3, p.source, 'changed.txt', 'version two'); // several versions; the replica kept v1
  await put(s3, p.source, 'only in source + more.txt', 'x');
  await put(s3, p.replica, 'only-in-replica.txt', 'y');
  await remove(s3, p.source, 'gone.txt'); // deleted in the source, present in the replica
  await put(s3, p.source, 'hidden.txt', 'h');
  await put(s3, p.replica, 'hidden.txt', 'h');
  await remove(s3, p.replica, 'hidden.txt'); // a delete marker hides it in the replica
  for (const bucket of [p.source, p.replica]) {
    await put(s3, bucket, 'deleted-in-both.txt', 'd'); // no current version: not a key compared
    await remove(s3, bucket, 'deleted-in-both.txt');
  }
  return p;
}

describe.each(['CSV', 'Parquet'] as const)('%s reports', (format) => {
  test('GIVEN diverged buckets WHEN verifying by inventory locally THEN the differences equal listing-based verify', async () => {
    const p = await divergedPair();
    const locations = await reportsNow(p, format);
    const dir = mkdtempSync(join(tmpdir(), 'inv-'));

    const listed = await verify(p, '--grace', '0', '--json', '--report', join(dir, 'listed.jsonl'));
    const inventoried = await verify(
      p,
      '--inventory',
      '--engine',
      'local',
      ...locations,
      '--json',
      '--report',
      join(dir, 'inventory.jsonl'),
    );

    expect(inventoried.stderr).not.toContain('Error');
    expect(inventoried.code).toBe(listed.code);
    const [a, b] = [JSON.parse(listed.stdout), JSON.parse(inventoried.stdout)];
    expect(b).toMatchObject({
      keys: a.keys,
      hiddenInReplica: a.hiddenInReplica,
      counts: { ...a.counts, failed: 0 },
    });
    expect(reportLines(join(dir, 'inventory.jsonl'))).toEqual(reportLines(join(dir, 'listed.jsonl')));
    expect(reportLines(join(dir, 'inventory.jsonl'))).toEqual(
      expect.arrayContaining([
        { kind: 'missing', key: 'only in source + more.txt' },
        { kind: 'mismatch', key: 'changed.txt' },
        { kind: 'extra', key: 'gone.txt' },
        { kind: 'extra', key: 'only-in-replica.txt' },
        { kind: 'missing', key: 'hidden.txt' },
      ]),
    );
  });

  test('GIVEN identical buckets with awkward keys WHEN verifying by inventory THEN OK names both reports and their age', async () => {
    const p = await buckets();
    for (const key of AWKWARD_KEYS) {
      await put(s3, p.source, key, key);
      await put(s3, p.replica, key, key);
    }
    const locations = await reportsNow(p, format);

    const result = await verify(p, '--inventory', '--engine', 'local', ...locations);

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      new RegExp(`source  report \\d{4}-\\d{2}-\\d{2}T\\d{2}-\\d{2}Z \\(.* old, ${format}\\)`),
    );
    expect(result.stdout).toContain('replica report');
    expect(result.stdout.trim().split('\n').pop()).toBe(
      `OK: the replica holds every key of the source (${AWKWARD_KEYS.length} keys compared)`,
    );
  });
});

const row = inventoryRow;

test.each(['+', '%20'] as const)(
  'GIVEN CSV reports that encode a space in a key as %s WHEN verifying by inventory THEN keys with spaces and plus signs decode as S3 names them',
  async (space) => {
    const p = await buckets();
    const keys = ['with space.txt', 'a+b c.txt', '100%/sure%20not+.txt'];
    const locations = await putReports(
      s3,
      p,
      { source: keys.map((k) => inventoryRow(k, { replicationStatus: 'FAILED' })), replica: [] },
      { space },
    );

    const result = await verify(p, '--inventory', '--engine', 'local', ...locations, '--json');

    expect(
      JSON.parse(result.stdout)
        .differences.map((d: { key: string }) => d.key)
        .sort(),
    ).toEqual([...keys].sort());
  },
);

function handMade(
  p: Setup,
  sourceRows: InventoryRow[],
  replicaRows: InventoryRow[],
  createdAt = Date.now() - HOUR,
  format: ReportSpec['format'] = 'CSV',
): Promise<string[]> {
  return putReports(s3, p, { source: sourceRows, replica: replicaRows }, { createdAt, format });
}

test('GIVEN FAILED and PENDING entries the replica lacks WHEN verifying by inventory THEN they are failed and pending', async () => {
  const p = await buckets();
  const locations = await handMade(
    p,
    [
      row('ok.txt'),
      row('failed.txt', { replicationStatus: 'FAILED' }),
      row('pending.txt', { replicationStatus: 'PENDING' }),
      row('lost.txt'),
    ],
    [row('ok.txt', { replicationStatus: 'REPLICA' })],
  );

  const result = await verify(p, '--inventory', '--engine', 'local', ...locations, '--json');

  expect(result.code).toBe(1);
  expect(JSON.parse(result.stdout).counts).toMatchObject({
    failed: 1,
    pending: 1,
    missing: 1,
    mismatch: 0,
    extra: 0,
  });
});

describe('--failed-manifest', () => {
  const ROLE = 'arn:aws:iam::123456789012:role/s3-dr-batch-role-t';

  /** Buckets whose source replicates everything to the replica: what backfill needs. */
  async function replicatedBuckets(): Promise<Setup> {
    const p = await buckets();
    await putRule(s3, p.source, 'arn:aws:iam::123456789012:role/replication', {
      ID: 'all',
      Status: 'Enabled',
      Priority: 1,
      Filter: { Prefix: '' },
      DeleteMarkerReplication: { Status: 'Enabled' },
      Destination: { Bucket: `arn:aws:s3:::${p.replica}` },
    });
    return p;
  }

  /** verify --inventory --engine local with `args` and --failed-manifest to a new file. */
  async function verifyToManifest(p: Setup, args: string[]) {
    const manifest = join(mkdtempSync(join(tmpdir(), 'inv-')), 'failed.csv');
    const result = await verify(
      p,
      '--inventory',
      '--engine',
      'local',
      ...args,
      '--failed-manifest',
      manifest,
    );
    return { result, manifest };
  }

  test('GIVEN failed and missing versions, one a delete marker WHEN verifying every version THEN the file is an S3 Batch Operations CSV manifest of the source versions, the marker left out', async () => {
    const p = await buckets();
    const old = Date.now() - 3 * HOUR;
    const locations = await handMade(
      p,
      [
        row('ok.txt'),
        row('ü b+c%,"x".txt', { versionId: 'v-awkward', replicationStatus: 'FAILED' }),
        row('lost.txt', { isLatest: false, lastModified: old }),
        row('lost.txt', { versionId: 'dm', deleteMarker: true, lastModified: old + 1 }),
        row('pending.txt', { replicationStatus: 'PENDING' }),
      ],
      [row('ok.txt', { replicationStatus: 'REPLICA' })],
    );

    const { result, manifest } = await verifyToManifest(p, [...locations, '--all-versions']);

    expect(result.code).toBe(1);
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/batch-ops-create-job.html#specify-batchjob-manifest:
    // bucket,key,versionId, keys URL-encoded (a space is %20), no header.
    expect(readFileSync(manifest, 'utf8').split('\n').sort()).toEqual([
      '',
      `${p.source},%C3%BC%20b%2Bc%25%2C%22x%22.txt,v-awkward`,
      `${p.source},lost.txt,v-lost.txt`,
    ]);
    expect(result.stdout).toContain(
      `2 failed or missing object versions written to ${manifest} (an S3 Batch Operations CSV manifest); 1 missing delete marker left out (Batch Replication copies objects): s3-dr backfill --from-report ${manifest} replicates them`,
    );
  });

  test('GIVEN a replicated pair WHEN verify --inventory --failed-manifest f; backfill --from-report f THEN the plan replicates exactly those versions, and nothing is created without --yes', async () => {
    const p = await replicatedBuckets();
    const locations = await handMade(
      p,
      [
        row('ok.txt'),
        row('with space+plus.txt', { versionId: 'v1', replicationStatus: 'FAILED' }),
        row('lost.txt', { versionId: 'v2' }),
      ],
      [row('ok.txt', { replicationStatus: 'REPLICA' })],
    );
    const { result: found, manifest } = await verifyToManifest(p, locations);
    expect(found.code).toBe(1);

    const plan = await runCli([
      'backfill',
      '--source',
      p.source,
      '--replica',
      p.replica,
      '--ops-bucket',
      p.destination,
      '--role-arn',
      ROLE,
      '--from-report',
      manifest,
    ]);

    expect(plan.stderr).toBe('');
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain(
      `backfill s3://${p.source}: an S3 Batch Replication job (S3ReplicateObject)`,
    );
    expect(plan.stdout).toContain(
      `2 failed or missing object versions from ${manifest} (CSV manifest s3://${p.destination}/manifests/backfill-`,
    );
    expect(plan.stdout).toContain('Nothing created: add --yes to create this job.');
  });

  test('GIVEN a failed and a missing version WHEN verify --inventory --report r; backfill --from-report r THEN the plan counts each kind', async () => {
    const p = await replicatedBuckets();
    const locations = await handMade(
      p,
      [
        row('failed.txt', { versionId: 'v1', replicationStatus: 'FAILED' }),
        row('lost.txt', { versionId: 'v2' }),
      ],
      [],
    );
    const report = join(mkdtempSync(join(tmpdir(), 'inv-')), 'diff.jsonl');
    expect((await verify(p, '--inventory', '--engine', 'local', ...locations, '--report', report)).code).toBe(
      1,
    );

    const plan = await runCli([
      'backfill',
      ...['--source', p.source, '--replica', p.replica, '--ops-bucket', p.destination, '--role-arn', ROLE],
      ...['--from-report', report],
    ]);

    expect(plan.stderr).toBe('');
    expect(plan.stdout).toContain(`2 failed or missing object versions (1 failed, 1 missing) from ${report}`);
  });
});

test('GIVEN Ctrl-C while the reports download WHEN verifying by inventory locally THEN no further file is fetched, nothing is compared, and the result says INCOMPLETE', async () => {
  const p = await buckets();
  const locations = await handMade(p, [row('a.txt')], [row('a.txt')]);
  const original = S3Client.prototype.send;
  const jestHandlers = new Set(process.listeners('SIGINT'));
  const dataGets: string[] = [];
  jest.spyOn(S3Client.prototype, 'send').mockImplementation(function (this: S3Client, ...args: unknown[]) {
    const command = args[0];
    if (command instanceof GetObjectCommand && command.input.Key?.includes('/data/')) {
      dataGets.push(command.input.Key);
      // Once, at the first data file: a second Ctrl-C quits at once.
      if (dataGets.length === 1)
        for (const handler of process.listeners('SIGINT'))
          if (!jestHandlers.has(handler)) (handler as () => void)();
    }
    return (original as (...a: unknown[]) => unknown).apply(this, args) as never;
  });

  const result = await runCli([
    ...['--source', p.source, '--replica', p.replica, '--concurrency', '1'],
    ...['verify', '--inventory', '--engine', 'local', ...locations],
  ]);

  jest.restoreAllMocks();
  expect(dataGets).toHaveLength(1);
  expect(result.code).toBe(1);
  expect(result.stdout).toContain('0 keys compared before the interruption');
  expect(result.stdout).toContain('INCOMPLETE: interrupted before every key was compared');
});

test('GIVEN an entry written after the older report WHEN verifying by inventory THEN it is not judged and counted as such', async () => {
  const p = await buckets();
  const createdAt = Date.now() - HOUR;
  const locations = await handMade(
    p,
    [row('a.txt'), row('late.txt', { lastModified: createdAt + 1000 })],
    [row('a.txt')],
    createdAt,
  );

  const result = await verify(p, '--inventory', '--engine', 'local', ...locations);

  expect(result.code).toBe(0);
  expect(result.stdout).toContain('1 difference not judged: written or deleted after');
  expect(result.stdout).toContain('(the older report less --grace 15m)');
});

test('GIVEN an entry written after the older report and nothing else different WHEN verifying by inventory THEN the verdict is WARN, not OK, and --strict fails on it', async () => {
  const p = await buckets();
  const createdAt = Date.now() - HOUR;
  const locations = await handMade(
    p,
    [row('a.txt'), row('late.txt', { lastModified: createdAt + 1000 })],
    [row('a.txt')],
    createdAt,
  );

  const result = await verify(p, '--inventory', '--engine', 'local', ...locations);
  const strict = await verify(p, '--inventory', '--engine', 'local', ...locations, '--strict', '--json');

  expect(result.stdout.trim().split('\n').at(-1)).toBe(
    'WARN: no key missing, no mismatch; 1 not judged (too recent for the reports)',
  );
  expect(strict.code).toBe(1);
  expect(JSON.parse(strict.stdout)).toMatchObject({ verdict: 'unsettled', ok: false, notJudged: 1 });
});

test('GIVEN a FAILED entry written within the default --grace WHEN verifying by inventory THEN it is judged failed: S3 does not retry it', async () => {
  const p = await buckets();
  const createdAt = Date.now() - HOUR;
  const locations = await handMade(
    p,
    [
      row('a.txt'),
      row('failed-late.txt', { replicationStatus: 'FAILED', lastModified: createdAt + 1000 }),
      row('failed-young.txt', { replicationStatus: 'FAILED', lastModified: createdAt - 60_000 }),
      row('pending-late.txt', { replicationStatus: 'PENDING', lastModified: createdAt + 1000 }),
    ],
    [row('a.txt')],
    createdAt,
  );

  const result = await verify(p, '--inventory', '--engine', 'local', ...locations, '--json');

  expect(result.code).toBe(1);
  const json = JSON.parse(result.stdout);
  expect(json).toMatchObject({ verdict: 'failed', counts: { failed: 2, pending: 0 }, notJudged: 1 });
  expect(json.summary).toMatch(/^FAIL: 2 failed, 0 missing/);
});

test('GIVEN an entry written within --grace before the older report WHEN verifying by inventory THEN it is not judged: replication may not have reached the other report', async () => {
  const p = await buckets();
  const createdAt = Date.now() - HOUR;
  const locations = await handMade(
    p,
    [row('a.txt'), row('young.txt', { lastModified: createdAt - 60_000 })],
    [row('a.txt')],
    createdAt,
  );

  const [graced, strict] = [
    await verify(p, '--inventory', '--engine', 'local', ...locations, '--grace', '5m'),
    await verify(p, '--inventory', '--engine', 'local', ...locations, '--grace', '0'),
  ];

  expect(graced.code).toBe(0);
  expect(graced.stdout).toContain('1 difference not judged');
  expect(strict.code).toBe(1);
});

test('GIVEN several versions and delete markers WHEN verifying every version by inventory THEN each version is judged by id', async () => {
  const p = await buckets();
  const old = Date.now() - 3 * HOUR;
  const versions = [
    row('k', { versionId: '1', isLatest: false, lastModified: old }),
    row('k', { versionId: '2', isLatest: false, lastModified: old + 1 }),
    row('k', { versionId: '3', deleteMarker: true, lastModified: old + 2 }),
  ];
  const locations = await handMade(
    p,
    versions,
    [
      versions[0] as InventoryRow,
      { ...(versions[2] as InventoryRow), deleteMarker: false, size: 1 },
      row('x', { versionId: '9' }),
    ],
    undefined,
    'Parquet',
  );
  const dir = mkdtempSync(join(tmpdir(), 'inv-'));

  const result = await verify(
    p,
    '--inventory',
    '--engine',
    'local',
    '--all-versions',
    ...locations,
    '--report',
    join(dir, 'r.jsonl'),
  );

  expect(result.code).toBe(1);
  expect(reportLines(join(dir, 'r.jsonl'))).toEqual([
    { kind: 'extra', key: 'x', versionId: '9' },
    { kind: 'mismatch', key: 'k', versionId: '3' },
    { kind: 'missing', key: 'k', versionId: '2' },
  ]);
});

test('GIVEN differences outside --prefix and under _s3-dr/ WHEN verifying by inventory with --prefix THEN only the keys under it are compared', async () => {
  const p = await buckets();
  const locations = await handMade(
    p,
    [row('a/1.txt'), row('a/2.txt'), row('b/lost.txt'), row('_s3-dr/probe')],
    [row('a/1.txt'), row('a/2.txt')],
  );

  const [prefixed, whole] = [
    await verify(p, '--inventory', '--engine', 'local', ...locations, '--prefix', 'a/', '--json'),
    await verify(p, '--inventory', '--engine', 'local', ...locations, '--json'),
  ];

  expect(JSON.parse(prefixed.stdout)).toMatchObject({ ok: true, keys: 2 });
  expect(JSON.parse(whole.stdout)).toMatchObject({ keys: 3, counts: { missing: 1 } });
  expect(JSON.parse(whole.stdout).differences).toEqual([expect.objectContaining({ key: 'b/lost.txt' })]);
});

test('GIVEN two reports WHEN comparing locally THEN stderr says which download is the source report and which the replica report', async () => {
  const p = await buckets();
  const locations = await handMade(
    p,
    [row('a.txt'), row('b.txt')],
    [row('a.txt', { replicationStatus: 'REPLICA' })],
  );

  const result = await verify(p, '--inventory', '--engine', 'local', ...locations);

  expect(result.stderr.split('\n').filter((l) => l.startsWith('verify: downloading'))).toEqual([
    expect.stringMatching(
      /^verify: downloading the source's report \(2 files, \d+ B\) and the replica's \(2 files, \d+ B\)$/,
    ),
  ]);
});

describe('bad input exits 2 with one line', () => {
  async function failing(args: (p: Setup, locations: string[]) => Promise<string[]> | string[]) {
    const p = await buckets();
    const locations = await handMade(p, [row('a.txt')], [row('a.txt')]);
    const result = await verify(p, '--inventory', '--engine', 'local', ...(await args(p, locations)));
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    return result.stderr.trim();
  }

  test('GIVEN --source/--replica and no locations WHEN verifying by inventory THEN it names the two options', async () => {
    expect(await failing(() => [])).toBe(
      "s3-dr: --inventory needs the reports' locations: --source/--replica name the buckets, not their reports; pass --source-inventory and --replica-inventory, each s3://<destination>/<prefix>/<source-bucket>/<configuration-id>/, the root of one inventory configuration",
    );
  });

  test('GIVEN --env of a stack that cannot be read WHEN verifying by inventory THEN it says the stack was not readable and how to name the reports, before any bucket request', async () => {
    const result = await runCli(['verify', '--env', 'invnostack', '--inventory']);

    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      "s3-dr: --inventory needs the reports' locations: stack TapStackinvnostack was not readable (no such stack in this --region, or no cloudformation:DescribeStacks), so the bucket names came from the naming contract, which does not name the reports; pass --source-inventory and --replica-inventory, each s3://<destination>/<prefix>/<source-bucket>/<configuration-id>/, the root of one inventory configuration, or --outputs <file> of the deployment\n",
    );
  });

  test('GIVEN an --outputs file without inventory outputs WHEN verifying by inventory THEN it says the deployment has no inventory', async () => {
    const p = await buckets();
    const outputs = join(mkdtempSync(join(tmpdir(), 'inv-')), 'outputs.json');
    writeFileSync(
      outputs,
      JSON.stringify({
        PrimaryBucketArn: `arn:aws:s3:::${p.source}`,
        ReplicaBucketArn: `arn:aws:s3:::${p.replica}`,
      }),
    );

    const result = await runCli(['verify', '--outputs', outputs, '--inventory']);

    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "s3-dr: --inventory needs the reports' locations: the --outputs file has no InventoryLocationPrimary/InventoryLocationReplica (a deployment without inventory); pass --source-inventory and --replica-inventory, each s3://<destination>/<prefix>/<source-bucket>/<configuration-id>/, the root of one inventory configuration\n",
    );
  });

  test('GIVEN a location without a manifest THEN it says no report was found there', async () => {
    const message = await failing((p, l) => [
      '--source-inventory',
      `s3://${p.destination}/nothing/here/`,
      '--replica-inventory',
      l[3] as string,
    ]);
    expect(message).toMatch(/--source-inventory s3:\/\/.*\/nothing\/here\/: no report/);
  });

  test('GIVEN a location without a manifest WHEN --json THEN the error code is not-found (exit 2)', async () => {
    const p = await buckets();
    const locations = await handMade(p, [row('a.txt')], [row('a.txt')]);
    const result = await verify(
      p,
      '--inventory',
      '--engine',
      'local',
      '--json',
      '--source-inventory',
      `s3://${p.destination}/nothing/here/`,
      '--replica-inventory',
      locations[3] as string,
    );
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout).error).toMatchObject({ code: 'not-found', exitCode: 2 });
  });

  test("GIVEN the replica's report as the source's THEN it names the bucket the report lists", async () => {
    const message = await failing((_p, l) => [
      '--source-inventory',
      l[3] as string,
      '--replica-inventory',
      l[3] as string,
    ]);
    expect(message).toMatch(/a report of bucket inv-rep.*, not of inv-src/);
  });

  test('GIVEN a data file that differs from its MD5 in the manifest THEN it names the file and both digests', async () => {
    const message = await failing(async (p, l) => {
      const manifest = await firstManifest(p, l[1] as string);
      await s3.send(
        new PutObjectCommand({ Bucket: p.destination, Key: manifest.files[0].key, Body: 'tampered' }),
      );
      return l;
    });
    expect(message).toMatch(/: MD5 [0-9a-f]{32}, the manifest .* says [0-9a-f]{32}/);
  });

  test('GIVEN an unknown file format THEN it names the format and the known ones', async () => {
    const message = await failing(async (p, l) => {
      await rewriteManifest(p, l[1] as string, (json) => ({ ...json, fileFormat: 'Avro' }));
      return l;
    });
    expect(message).toMatch(/fileFormat Avro is not one of CSV, Parquet, ORC/);
  });

  test('GIVEN an ORC report WHEN comparing locally THEN it says to use Athena or Parquet/CSV, before downloading or writing anything', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'inv-'));
    const report = join(dir, 'r.jsonl');
    const message = await failing(async (p, l) => {
      await rewriteManifest(p, l[1] as string, (json) => ({
        ...json,
        fileFormat: 'ORC',
        fileSchema: ORC_SCHEMA,
        // Not in the bucket: a download would fail on it with another message.
        files: [{ key: 'inventory/nowhere/data/absent.orc', size: 10, MD5checksum: '0'.repeat(32) }],
      }));
      return [...l, '--report', report, '--failed-manifest', join(dir, 'f.csv')];
    });
    expect(message.split('\n')).toHaveLength(1);
    expect(message).toMatch(
      /--engine local: s3:\/\/.* is an ORC report, and the DuckDB of --engine local reads CSV and Parquet only: use --engine athena, or set the inventory's format to Parquet or CSV/,
    );
    expect(existsSync(report)).toBe(false);
    expect(existsSync(join(dir, 'f.csv'))).toBe(false);
  });

  test('GIVEN --inventory-date of a day without a report, other days with one THEN it lists those days, without the 48 hours of a first report', async () => {
    const p = await buckets();
    const createdAt = Date.UTC(2026, 10, 30, 1, 0);
    const locations = await handMade(p, [row('a.txt')], [row('a.txt')], createdAt);
    await handMade(p, [row('a.txt')], [row('a.txt')], createdAt - 86_400_000);

    const result = await verify(
      p,
      '--inventory',
      '--engine',
      'local',
      ...locations,
      '--inventory-date',
      '2026-12-01',
    );

    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `s3-dr: --source-inventory ${locations[1]}: no report of 2026-12-01; report folders of 2026-11-30, 2026-11-29 (newest first): pass one of those days to --inventory-date, or leave it out for the newest report\n`,
    );
  });
});

/** Replaces the manifest of the report under `root` with `change` of it. */
async function rewriteManifest(p: Setup, root: string, change: (json: object) => object): Promise<void> {
  const manifest = await firstManifest(p, root);
  await s3.send(
    new PutObjectCommand({
      Bucket: p.destination,
      Key: manifest.path,
      Body: JSON.stringify(change(manifest.json)),
    }),
  );
}

async function firstManifest(p: Setup, root: string) {
  const { ListObjectsV2Command, GetObjectCommand } = await import('@aws-sdk/client-s3');
  const prefix = root.replace(`s3://${p.destination}/`, '');
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: p.destination, Prefix: prefix }));
  const path = (listed.Contents ?? [])
    .map((o) => o.Key ?? '')
    .find((k) => k.endsWith('manifest.json')) as string;
  const body = await s3.send(new GetObjectCommand({ Bucket: p.destination, Key: path }));
  const json = JSON.parse(await (body.Body as { transformToString(): Promise<string> }).transformToString());
  return { path, json, files: json.files as { key: string }[] };
}
