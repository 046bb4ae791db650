import { S3Client } from '@aws-sdk/client-s3';
import { type ListServer, startListServer } from '../../../../../bench/list-server';
import { mostInFlightBy } from '../../../../../test/support/in-flight';
import type { ActionType } from '../../../src/commands/restore/plan';
import {
  changes,
  copyOf,
  planRestore,
  type RestoreRequest,
  restoreActions,
} from '../../../src/commands/restore/run';
import { NO_REPORT } from '../../../src/shared/report';
import { collect } from '../../support/collect';
import { recordingReport } from '../../support/recording-report';
import { restoreRequest } from '../../support/restore-request';
import { createBucket, listAll, motoS3, pointInTime, put } from '../../support/versioned';

// What a plan holds and reports besides its actions (the sample shown, the actions held for
// applying, the oldest entry, the records), and how restoreActions lists a target bucket.

let s3: S3Client;
beforeAll(() => {
  s3 = motoS3();
});

describe('a plan of three keys changed after T and one unchanged', () => {
  // `b` is written first, then `a`, then `c`, each in a later second: the oldest entry of the
  // bucket is neither the first key's nor the last key's.
  let bucket: string;
  let request: RestoreRequest;
  beforeAll(async () => {
    bucket = await createBucket(s3, 'rp-summary');
    await put(s3, bucket, 'b', 'b at T');
    await pointInTime();
    await put(s3, bucket, 'a', 'a at T');
    await pointInTime();
    await put(s3, bucket, 'c', 'c at T');
    await put(s3, bucket, 'u', 'unchanged');
    const to = await pointInTime();
    for (const key of ['a', 'b', 'c']) await put(s3, bucket, key, 'after T');
    request = restoreRequest(bucket, to);
  });

  test('GIVEN keys first written at different times WHEN planned THEN the oldest entry is the earliest of all keys', async () => {
    const firstOfB = (await listAll(s3, bucket)).filter((e) => e.key === 'b').at(-1);

    const plan = await planRestore(s3, request, NO_REPORT);

    expect(plan.oldest).toBe(firstOfB?.lastModified);
  });

  test('GIVEN a sample size of 2 WHEN planned THEN the sample holds the first two copies in key order, and no unchanged key', async () => {
    const plan = await planRestore(s3, request, NO_REPORT, {}, 2);

    expect(plan.sample.map((action) => [action.type, action.key])).toEqual([
      ['copy', 'a'],
      ['copy', 'b'],
    ]);
    expect(plan.counts).toMatchObject({ copy: 3, unchanged: 1 });
  });

  test('GIVEN as many changes as can be held WHEN planned THEN the plan holds exactly them, without the unchanged key', async () => {
    const plan = await planRestore(s3, request, NO_REPORT, {}, 10, 3);

    expect(plan.actions?.map((action) => action.key)).toEqual(['a', 'b', 'c']);
  });

  test('GIVEN one change more than can be held WHEN planned THEN the plan holds none (it is listed again when applied)', async () => {
    const plan = await planRestore(s3, request, NO_REPORT, {}, 10, 2);

    expect(plan.actions).toBeUndefined();
    expect(plan.counts.copy).toBe(3);
  });

  test('GIVEN a report WHEN planned THEN it records each change as planned, and nothing for the unchanged key', async () => {
    const report = recordingReport();

    await planRestore(s3, request, report.writer);

    expect(report.records.map((r) => [r.key, r.action, r.status])).toEqual([
      ['a', 'copy', 'planned'],
      ['b', 'copy', 'planned'],
      ['c', 'copy', 'planned'],
    ]);
  });
});

test('GIVEN counts of every action type WHEN the changes are counted THEN copies, delete markers and archive restores are summed, nothing else', () => {
  const counts: Record<ActionType, number> = {
    copy: 1,
    'delete-mark': 2,
    'restore-archive': 4,
    unchanged: 8,
    blocked: 16,
    waiting: 32,
  };

  expect(changes(counts)).toBe(7);
});

test('GIVEN a version at T WHEN its copy is described THEN it names the source version, its size and storage class, and the target key', () => {
  const copy = copyOf(
    { key: 'docs/a', targetKey: 'restored/docs/a' },
    { versionId: 'v1', size: 6 * 1024 ** 3, storageClass: 'STANDARD_IA' },
    'primary',
    'elsewhere',
  );

  expect(copy).toEqual({
    sourceBucket: 'primary',
    key: 'docs/a',
    versionId: 'v1',
    size: 6 * 1024 ** 3,
    storageClass: 'STANDARD_IA',
    targetBucket: 'elsewhere',
    targetKey: 'restored/docs/a',
  });
});

describe('restoreActions into a target bucket', () => {
  let source: string;
  let target: string;
  let request: RestoreRequest;
  beforeAll(async () => {
    source = await createBucket(s3, 'rp-src');
    target = await createBucket(s3, 'rp-dst');
    await put(s3, source, 'dir/a', 'a at T');
    await put(s3, source, 'other', 'outside the prefix');
    const to = await pointInTime();
    // Only in the target: under the target prefix, and outside it.
    await put(s3, target, 'restored/dir/only-here', 'target only');
    await put(s3, target, 'kept', 'outside the target prefix');
    request = restoreRequest(source, to, {
      prefix: 'dir/',
      target: { bucket: target, prefix: 'restored/', versioned: true },
    });
  });

  test('GIVEN a key only in the target, under the restored prefix WHEN planned THEN it is delete-marked (absent at T); keys outside that prefix get no action', async () => {
    const actions = await collect(restoreActions(s3, request, {}));

    expect(actions.map((action) => [action.type, action.key, action.targetKey])).toEqual([
      ['copy', 'dir/a', 'restored/dir/a'],
      ['delete-mark', 'dir/only-here', 'restored/dir/only-here'],
    ]);
  });

  test('GIVEN a target WHEN planned THEN every page of both listings is reported', async () => {
    const client = motoS3();
    const listed = listRequestsOf(client);
    let pages = 0;

    await collect(restoreActions(client, request, { onListPage: () => pages++ }));

    expect(listed.map(({ Bucket }) => Bucket).sort()).toEqual([source, target].sort());
    expect(pages).toBe(listed.length);
  });

  test('GIVEN a target WHEN planned THEN the source is listed under the prefix with the restore status of archived versions, the target under its prefix plus the same prefix', async () => {
    const client = motoS3();
    const listed = listRequestsOf(client);

    await collect(restoreActions(client, request, {}));

    const shapes = listed.map(({ Bucket, Prefix, OptionalObjectAttributes }) => ({
      Bucket,
      Prefix,
      OptionalObjectAttributes,
    }));
    expect(shapes).toEqual(
      expect.arrayContaining([
        { Bucket: source, Prefix: 'dir/', OptionalObjectAttributes: ['RestoreStatus'] },
        { Bucket: target, Prefix: 'restored/dir/', OptionalObjectAttributes: undefined },
      ]),
    );
    expect(shapes).toHaveLength(2);
  });
});

describe('on a listing of many pages (the benchmark list server: 20,000 keys, 20 ms a page)', () => {
  // moto's CPU per page would serialize the requests; every bucket there holds the same keys.
  const keys = Array.from({ length: 20_000 }, (_, i) => `k/${String(i).padStart(6, '0')}`);
  let server: ListServer;
  let client: S3Client;
  beforeAll(async () => {
    server = await startListServer({ keys, latencyMs: 20 });
    client = new S3Client({
      region: 'us-east-1',
      endpoint: server.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    });
  });
  afterAll(() => server.close());

  test('GIVEN a target and 4 list requests at most WHEN planned THEN each listing has 2 in flight at most, and uses both', async () => {
    const most = mostInFlightBy(client, 'ListObjectVersionsCommand', (input) => String(input.Bucket));
    const request = restoreRequest('source', new Date().toISOString(), {
      target: { bucket: 'target', prefix: '', versioned: true },
    });

    const actions = await collect(restoreActions(client, request, {}, 4));

    expect(actions).toHaveLength(keys.length);
    expect(most()).toEqual({ source: 2, target: 2 });
  });

  test('GIVEN an interruption at the first key WHEN planned THEN planning stops before the end of the listing, and says so', async () => {
    const interruption = new AbortController();
    server.reset();

    const plan = await planRestore(client, restoreRequest('source', new Date().toISOString()), NO_REPORT, {
      signal: interruption.signal,
      onProgress: () => interruption.abort(),
    });

    expect(plan.interrupted).toBe(true);
    expect(plan.keys).toBeLessThan(keys.length);
    expect(server.counts().ListObjectVersions).toBeLessThan(keys.length / 1000);
  });
});

/** The input of every ListObjectVersions request `client` sends. */
function listRequestsOf(client: S3Client): Record<string, unknown>[] {
  const listed: Record<string, unknown>[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'ListObjectVersionsCommand')
        listed.push(args.input as Record<string, unknown>);
      return next(args);
    },
    { step: 'initialize' },
  );
  return listed;
}
