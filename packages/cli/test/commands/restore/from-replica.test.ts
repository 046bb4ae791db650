import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  GetObjectCommand,
  type GetObjectCommandOutput,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { motoEnv } from '../../../../../test/support/moto';
import { cliWorkDir, runCli } from '../../support/cli';
import {
  bucketOf,
  type RecordedRequest,
  type RecordingProxy,
  startRecordingProxy,
} from '../../support/recording-proxy';
import {
  createReplicatedPair,
  type ReplicatedPair,
  VAULT_ACCOUNT,
  VAULT_ROLE_ARN,
} from '../../support/vault';
import { currentContents, pointInTime, versionIds } from '../../support/versioned';

// restore --from replica: the primary (default account) returns to the state at T of its vault (a
// replica in account 222222222222), against moto_server; a recording proxy tells whose credentials
// sent each request.

let proxy: RecordingProxy;
beforeAll(async () => {
  proxy = await startRecordingProxy();
});
afterAll(() => proxy.close());
afterEach(() => {
  jest.restoreAllMocks();
});

const STATE_AT_T = { 'docs/a': 'a at T', 'docs/b': 'b at T', gone: 'gone at T' };

/**
 * A pair in the state STATE_AT_T at T, which then diverges: an overwrite, a delete and a new key
 * replicated into the vault; an overwrite and a new key the vault has not received.
 */
async function diverged(prefix: string): Promise<{ pair: ReplicatedPair; to: string }> {
  const pair = await createReplicatedPair(prefix);
  await pair.put('docs/a', 'a at T', {
    ContentType: 'text/plain',
    Metadata: { owner: 'ops' },
    Tagging: 'class=keep',
  });
  await pair.put('docs/b', 'b at T');
  await pair.put('gone', 'gone at T');
  const to = await pointInTime();
  await pair.put('docs/a', 'ENCRYPTED a');
  await pair.remove('gone');
  await pair.put('ransom-note', 'pay');
  await pair.putPrimaryOnly('docs/b', 'ENCRYPTED b');
  await pair.putPrimaryOnly('late', 'late');
  return { pair, to };
}

/** Global options go before `restore`, the command's after it; through the recording proxy unless `endpoint`. */
function run(
  pair: ReplicatedPair,
  to: string,
  globals: readonly string[],
  options: readonly string[] = [],
  endpoint = proxy.endpoint,
) {
  return runCli(
    [
      '--source',
      pair.primary,
      '--replica',
      pair.vault,
      ...globals,
      'restore',
      '--from',
      'replica',
      '--to',
      to,
      ...options,
    ],
    { env: { ...motoEnv(), AWS_ENDPOINT_URL: endpoint } },
  );
}

const asVault = ['--replica-role-arn', VAULT_ROLE_ARN];

/** The requests since `since` (an index into proxy.requests()) that name `bucket`. */
function about(bucket: string, since: number): RecordedRequest[] {
  return proxy
    .requests()
    .slice(since)
    .filter((r) => bucketOf(r) === bucket);
}

const WRITES = new Set(['PUT', 'POST', 'DELETE']);

test('GIVEN a vault in another account WHEN restoring from it with its credentials THEN the primary returns to the state at T by streaming, and no version is deleted on either side', async () => {
  const { pair, to } = await diverged('rv-stream');
  const primaryBefore = await versionIds(pair.primaryS3, pair.primary);
  const vaultBefore = await versionIds(pair.vaultS3, pair.vault);
  const since = proxy.requests().length;

  const result = await run(pair, to, asVault, ['--yes']);

  expect(result.code).toBe(0);
  expect(result.stdout).toContain('copy: streamed through this machine');
  expect(result.stdout).toContain('done: 3 copied, 2 delete markers added, 0 failed');
  expect(await currentContents(pair.primaryS3, pair.primary)).toEqual(STATE_AT_T);
  const primaryAfter = await versionIds(pair.primaryS3, pair.primary);
  expect(primaryAfter).toEqual(expect.arrayContaining(primaryBefore));
  expect(primaryAfter.length).toBe(primaryBefore.length + 5);
  expect(await versionIds(pair.vaultS3, pair.vault)).toEqual(vaultBefore);
  // Read with the vault's credentials, written with the primary's, nothing written to the vault.
  const vault = about(pair.vault, since);
  expect(vault.length).toBeGreaterThan(0);
  expect(vault.filter((r) => WRITES.has(r.method) || r.accessKey === 'testing')).toEqual([]);
  const writes = about(pair.primary, since).filter((r) => WRITES.has(r.method));
  expect(writes.length).toBe(5);
  expect(writes.filter((r) => r.accessKey !== 'testing' || r.copySource)).toEqual([]);
});

test('GIVEN no separate credentials for the replica WHEN restoring from it THEN the copies are server-side CopyObjects of the vault versions and the primary returns to the state at T', async () => {
  const { pair, to } = await diverged('rv-server');
  const primaryBefore = await versionIds(pair.primaryS3, pair.primary);
  const vaultBefore = await versionIds(pair.vaultS3, pair.vault);
  const since = proxy.requests().length;

  const result = await run(pair, to, [], ['--yes']);

  expect(result.code).toBe(0);
  expect(result.stdout).toContain(
    "copy: server-side CopyObject sent with the primary's credentials; nothing passes through this machine; chosen because the same credentials read the replica and write the target",
  );
  expect(await currentContents(pair.primaryS3, pair.primary)).toEqual(STATE_AT_T);
  expect(await versionIds(pair.primaryS3, pair.primary)).toEqual(expect.arrayContaining(primaryBefore));
  expect(await versionIds(pair.vaultS3, pair.vault)).toEqual(vaultBefore);
  const copies = about(pair.primary, since).filter((r) => r.copySource);
  expect(copies.map((r) => decodeURIComponent(r.copySource as string).split('?')[0]).sort()).toEqual([
    `${pair.vault}/docs/a`,
    `${pair.vault}/docs/b`,
    `${pair.vault}/gone`,
  ]);
  expect(about(pair.vault, since).filter((r) => WRITES.has(r.method))).toEqual([]);
});

test("GIVEN the vault's recovery role with MFA WHEN restoring THEN the role is assumed with the device and code and sends server-side copies", async () => {
  const { pair, to } = await diverged('rv-role');
  const role = `arn:aws:iam::${VAULT_ACCOUNT}:role/s3-dr-vault-recovery-dev`;
  const outputs = join(cliWorkDir(), `outputs-${pair.primary}.json`);
  writeFileSync(
    outputs,
    JSON.stringify({
      PrimaryBucketArn: `arn:aws:s3:::${pair.primary}`,
      ReplicaBucketArn: `arn:aws:s3:::${pair.vault}`,
      VaultRecoveryRoleArn: role,
    }),
  );
  const since = proxy.requests().length;
  const serial = 'arn:aws:iam::123456789012:mfa/oncall';

  const result = await runCli(
    [
      '--outputs',
      outputs,
      '--replica-role-arn',
      role,
      '--mfa-serial',
      serial,
      '--mfa-code',
      '123456',
      'restore',
      '--from',
      'replica',
      '--to',
      to,
      '--yes',
    ],
    { env: { ...motoEnv(), AWS_ENDPOINT_URL: proxy.endpoint } },
  );

  expect(result.code).toBe(0);
  expect(result.stdout).toContain(
    "chosen because the replica side is the vault's recovery role, which may read the vault and write the primary",
  );
  expect(await currentContents(pair.primaryS3, pair.primary)).toEqual(STATE_AT_T);
  const assumed = proxy
    .requests()
    .slice(since)
    .map((r) => new URLSearchParams(r.form ?? ''))
    .filter((form) => form.get('Action') === 'AssumeRole');
  expect(assumed.map((f) => [f.get('RoleArn'), f.get('SerialNumber'), f.get('TokenCode')])).toEqual([
    [role, serial, '123456'],
  ]);
  const copies = about(pair.primary, since).filter((r) => r.copySource);
  expect(copies.length).toBe(3);
  expect(copies.filter((r) => r.accessKey === 'testing')).toEqual([]);
});

test('GIVEN a version of 12 MiB at T WHEN streaming it from the vault THEN it is uploaded in 8 MiB parts (multipart), byte for byte', async () => {
  const pair = await createReplicatedPair('rv-big');
  const big = randomBytes(12 * 1024 ** 2);
  await pair.put('big', big);
  const to = await pointInTime();
  await pair.put('big', 'ENCRYPTED');
  const since = proxy.requests().length;

  const result = await run(pair, to, asVault, ['--yes']);

  expect(result.code).toBe(0);
  const parts = about(pair.primary, since).filter((r) => r.method === 'PUT' && /[?&]uploadId=/.test(r.url));
  expect(parts.length).toBe(2);
  const restored = await pair.primaryS3.send(new GetObjectCommand({ Bucket: pair.primary, Key: 'big' }));
  expect(restored.ETag).toMatch(/-2"$/);
  const bytes = Buffer.from(
    await (restored.Body?.transformToByteArray() ?? Promise.resolve(new Uint8Array())),
  );
  expect(createHash('sha256').update(bytes).digest('hex')).toBe(
    createHash('sha256').update(big).digest('hex'),
  );
});

test('GIVEN a streamed copy WHEN it lands THEN it keeps content type, metadata and tags', async () => {
  const { pair, to } = await diverged('rv-meta');

  await run(pair, to, asVault, ['--yes']);

  const head = await pair.primaryS3.send(new HeadObjectCommand({ Bucket: pair.primary, Key: 'docs/a' }));
  const tags = await pair.primaryS3.send(
    new GetObjectTaggingCommand({ Bucket: pair.primary, Key: 'docs/a' }),
  );
  expect([head.ContentType, head.Metadata, tags.TagSet]).toEqual([
    'text/plain',
    { owner: 'ops' },
    [{ Key: 'class', Value: 'keep' }],
  ]);
});

test('GIVEN no --yes WHEN restoring from the vault THEN the plan says how and what it costs, and nothing is written on either side', async () => {
  const { pair, to } = await diverged('rv-plan');
  const primaryBefore = await versionIds(pair.primaryS3, pair.primary);
  const vaultBefore = await versionIds(pair.vaultS3, pair.vault);

  const result = await run(pair, to, asVault);

  expect(result.code).toBe(0);
  expect(result.stdout).toContain(
    `from replica: versions read from s3://${pair.vault} (us-east-1) with role ${VAULT_ROLE_ARN}; nothing is written to it`,
  );
  expect(result.stdout).toContain(
    `cost: 3 GetObject requests from the replica (and a GetObjectTagging per tagged version), 3 write requests (PutObject, or CreateMultipartUpload + UploadPart + Complete), 2 DeleteObject requests (delete markers) to s3://${pair.primary}, and the listings; 21 B out of us-east-1 to this machine`,
  );
  expect(result.stdout).toContain('Nothing written: add --yes to apply this plan.');
  expect(await versionIds(pair.primaryS3, pair.primary)).toEqual(primaryBefore);
  expect(await versionIds(pair.vaultS3, pair.vault)).toEqual(vaultBefore);
});

test('GIVEN a restore from the vault interrupted after its first upload WHEN it is run again THEN the first run says how to finish and the second copies only what is left', async () => {
  const { pair, to } = await diverged('rv-resume');
  const original = S3Client.prototype.send;
  const jestHandlers = new Set(process.listeners('SIGINT'));
  let puts = 0;
  let armed = true;
  jest.spyOn(S3Client.prototype, 'send').mockImplementation(function (this: S3Client, ...args: unknown[]) {
    if (args[0] instanceof PutObjectCommand && ++puts === 1 && armed) {
      for (const handler of process.listeners('SIGINT')) {
        if (!jestHandlers.has(handler)) (handler as () => void)();
      }
    }
    return (original as (...a: unknown[]) => unknown).apply(this, args) as never;
  });
  const first = await run(pair, to, [...asVault, '--concurrency', '1'], ['--yes']);
  const putsInFirst = puts;
  puts = 0;
  armed = false;

  const second = await run(pair, to, [...asVault, '--concurrency', '1'], ['--yes']);

  expect([first.code, putsInFirst]).toEqual([1, 1]);
  expect(first.stdout).toContain('INTERRUPTED: 1 copied');
  expect(first.stdout).toContain('Run the same command again to finish the restore.');
  expect(second.code).toBe(0);
  expect(second.stdout).toContain('done: 2 copied, 2 delete markers added, 0 failed');
  expect(puts).toBe(2);
  expect(await currentContents(pair.primaryS3, pair.primary)).toEqual(STATE_AT_T);
});

test('GIVEN a replica bucket that does not exist WHEN restoring from it with --json THEN it exits 2 with a JSON error and writes nothing', async () => {
  const pair = await createReplicatedPair('rv-none');
  const before = await versionIds(pair.primaryS3, pair.primary);

  const result = await runCli(
    [
      '--source',
      pair.primary,
      '--replica',
      `${pair.vault}-nope`,
      ...asVault,
      '--json',
      'restore',
      '--from',
      'replica',
      '--to',
      '2024-05-01T12:00:00Z',
      '--yes',
    ],
    { env: { ...motoEnv(), AWS_ENDPOINT_URL: proxy.endpoint } },
  );

  expect(result.code).toBe(2);
  expect(JSON.parse(result.stdout).error.message).toBe(
    `replica bucket ${pair.vault}-nope does not exist: check the bucket name, --env or --region`,
  );
  expect(await versionIds(pair.primaryS3, pair.primary)).toEqual(before);
});

test('GIVEN outputs that put the replica in another account WHEN restoring from it without its credentials THEN it exits 2 naming the options to pass, before any request', async () => {
  const outputs = join(cliWorkDir(), 'outputs-vault-no-credentials.json');
  const role = `arn:aws:iam::${VAULT_ACCOUNT}:role/s3-dr-vault-recovery-dev`;
  writeFileSync(
    outputs,
    JSON.stringify({
      PrimaryBucketArn: 'arn:aws:s3:::primary-c',
      ReplicaBucketArn: 'arn:aws:s3:::vault-c',
      ReplicaAccount: VAULT_ACCOUNT,
      VaultRecoveryRoleArn: role,
    }),
  );
  const since = proxy.requests().length;

  const result = await runCli(
    ['--outputs', outputs, 'restore', '--from', 'replica', '--to', '2024-05-01T12:00:00Z'],
    {
      env: { ...motoEnv(), AWS_ENDPOINT_URL: proxy.endpoint },
    },
  );

  expect([result.code, result.stderr]).toEqual([
    2,
    `s3-dr: the replica s3://vault-c is in account ${VAULT_ACCOUNT} (a vault in another account), which the primary's credentials cannot read: pass --replica-role-arn ${role} (the vault's recovery role: server-side copies; add --mfa-serial) or --replica-profile <a profile of account ${VAULT_ACCOUNT}> (streamed copies)\n`,
  ]);
  expect(proxy.requests().length).toBe(since);
});

test('GIVEN no readable stack and no replica bucket by the naming contract WHEN restoring from the replica THEN the line says where the name came from and that a vault needs its credentials to be named', async () => {
  const result = await runCli([
    'restore',
    '--env',
    'novault',
    '--from',
    'replica',
    '--to',
    '2024-05-01T12:00:00Z',
  ]);

  expect([result.code, result.stderr]).toEqual([
    2,
    "s3-dr: replica bucket replica-bucket-novault-123456789012 (named by the naming contract for suffix novault: its stack was not readable) does not exist: check the bucket name, --env or --region; a vault in another account is named with that account's id: pass --replica-profile or --replica-role-arn to reach it\n",
  ]);
});

test('GIVEN outputs that put the replica in another account WHEN restoring from it without its credentials with --json THEN the error code is replica-credentials, exit 2', async () => {
  const outputs = join(cliWorkDir(), 'outputs-vault-no-credentials-json.json');
  writeFileSync(
    outputs,
    JSON.stringify({
      PrimaryBucketArn: 'arn:aws:s3:::primary-c',
      ReplicaBucketArn: 'arn:aws:s3:::vault-c',
      ReplicaAccount: VAULT_ACCOUNT,
    }),
  );

  const result = await runCli(
    ['--outputs', outputs, '--json', 'restore', '--from', 'replica', '--to', '2024-05-01T12:00:00Z'],
    { env: { ...motoEnv(), AWS_ENDPOINT_URL: proxy.endpoint } },
  );

  expect(result.code).toBe(2);
  expect(JSON.parse(result.stdout).error).toMatchObject({ code: 'replica-credentials', exitCode: 2 });
});

test("GIVEN a vault that refuses the replica side's role WHEN restoring from it THEN it exits 2 naming the role, and writes nothing", async () => {
  const { pair, to } = await diverged('rv-deny');
  const denying = await startRecordingProxy({
    deny: (r) => bucketOf(r) === pair.vault && r.accessKey !== 'testing',
  });
  const before = await versionIds(pair.primaryS3, pair.primary);

  const result = await run(pair, to, asVault, ['--yes'], denying.endpoint).finally(() => denying.close());

  expect([result.code, result.stderr.trim().split('\n').at(-1)]).toEqual([
    2,
    `s3-dr: access denied to replica bucket ${pair.vault} with the replica side's credentials (--replica-role-arn ${VAULT_ROLE_ARN}): they need read access to it`,
  ]);
  expect(await versionIds(pair.primaryS3, pair.primary)).toEqual(before);
});

test('GIVEN --copy server with a role the primary refuses WHEN restoring THEN it stops, says what was done, and its last line points to --copy stream', async () => {
  const { pair, to } = await diverged('rv-refused');
  const denying = await startRecordingProxy({
    deny: (r) => bucketOf(r) === pair.primary && r.method === 'PUT' && r.accessKey !== 'testing',
  });
  const before = await versionIds(pair.primaryS3, pair.primary);

  const result = await run(pair, to, asVault, ['--copy', 'server', '--yes'], denying.endpoint).finally(() =>
    denying.close(),
  );

  expect(result.code).toBe(2);
  expect(result.stderr.trim().split('\n').at(-1)).toMatch(
    new RegExp(
      `^s3-dr: access denied .*; the server-side copies are sent with role ${VAULT_ROLE_ARN}, which must read the replica and write s3://${pair.primary}: --copy stream reads with them and writes with the primary's credentials$`,
    ),
  );
  // The delete markers, written with the primary's credentials, were in flight: only added.
  expect(result.stdout).toContain('INTERRUPTED: 0 copied, 2 delete markers added');
  expect(await versionIds(pair.primaryS3, pair.primary)).toEqual(expect.arrayContaining(before));
});

const RESTORE_FROM_REPLICA = ['restore', '--from', 'replica', '--to', '2024-05-01T12:00:00Z'];
const MFA_DEVICE = ['--mfa-serial', 'arn:aws:iam::123456789012:mfa/me'];

describe('GIVEN bad --from input', () => {
  const target = ['--source', 'primary-b', '--replica', 'vault-b'];
  it.each([
    [
      ['restore', '--from', 'primary', '--to', '2024-05-01T12:00:00Z'],
      "--from 'primary' is not a bucket restore can read from: the only one is --from replica (the versions of the target's replica, written into its primary)",
    ],
    [
      ['restore', '--from', 'replica', '--bucket', 'x', '--to', '2024-05-01T12:00:00Z'],
      '--bucket x and --from replica both name the bucket whose versions are read: --from replica reads the replica of the target (--env, --outputs or --source/--replica); drop --bucket',
    ],
    [
      ['restore', '--from', 'replica', '--batch', '--to', '2024-05-01T12:00:00Z'],
      "--batch with --from replica: a Batch Operations copy job runs as the deployment's batch role, of the primary's account, which may not read a vault in another account; drop --batch (restore --from replica copies from here)",
    ],
    [
      ['restore', '--from', 'replica', '--restore-archived', '--to', '2024-05-01T12:00:00Z'],
      "--restore-archived with --from replica: restore writes nothing to the replica, and a RestoreObject of its archived versions is for the replica's account to start; drop --restore-archived",
    ],
    [
      ['restore', '--from', 'replica', '--copy', 'fast', '--to', '2024-05-01T12:00:00Z'],
      "--copy 'fast' is not a way to copy: expected server (CopyObject by one principal that reads the replica and writes the target) or stream (through this machine, each side with its own credentials)",
    ],
    [
      ['restore', '--bucket', 'x', '--copy', 'stream', '--to', '2024-05-01T12:00:00Z'],
      '--copy stream says how versions come out of the replica: it needs --from replica',
    ],
    [
      ['restore', '--from', 'replica', '--target-bucket', 'vault-b', '--to', '2024-05-01T12:00:00Z'],
      '--target-bucket vault-b is the replica restore --from replica reads: it writes nothing to the replica; name another bucket, or drop --target-bucket to write into the primary',
    ],
    [
      ['--mfa-code', '123456', ...RESTORE_FROM_REPLICA],
      '--mfa-code needs --mfa-serial: name the MFA device the code comes from',
    ],
    [
      [...MFA_DEVICE, ...RESTORE_FROM_REPLICA],
      '--mfa-serial is for the role the CLI assumes for the replica side: it needs --replica-role-arn',
    ],
    [
      [...asVault, ...MFA_DEVICE, '--mfa-code', '12345', ...RESTORE_FROM_REPLICA],
      "--mfa-code '12345' is not an MFA code: expected 6 digits",
    ],
    [
      [...asVault, ...MFA_DEVICE, ...RESTORE_FROM_REPLICA],
      '--mfa-serial without --mfa-code asks for the code on the terminal, and stdin is not one: pass --mfa-code <6 digits>',
    ],
  ])('WHEN %j THEN it exits 2 with one line before any request', async (argv, message) => {
    const since = proxy.requests().length;

    const result = await runCli([...target, ...argv], {
      env: { ...motoEnv(), AWS_ENDPOINT_URL: proxy.endpoint },
    });

    expect([result.code, result.stderr, result.stdout]).toEqual([2, `s3-dr: ${message}\n`, '']);
    expect(proxy.requests().length).toBe(since);
  });
});

test('GIVEN --target-prefix WHEN restoring from the vault THEN the state at T lands under that prefix of the primary and its other keys are left alone', async () => {
  const { pair, to } = await diverged('rv-prefix');
  const current = await currentContents(pair.primaryS3, pair.primary);

  const result = await run(pair, to, asVault, ['--target-prefix', 'restored/', '--yes']);

  expect(result.code).toBe(0);
  expect(await currentContents(pair.primaryS3, pair.primary)).toEqual({
    ...current,
    ...Object.fromEntries(Object.entries(STATE_AT_T).map(([key, body]) => [`restored/${key}`, body])),
  });
});

test('GIVEN --json WHEN planning a restore from the vault THEN the result says where the versions come from, how, and what it costs', async () => {
  const { pair, to } = await diverged('rv-json');

  const result = await run(pair, to, [...asVault, '--json']);

  expect(JSON.parse(result.stdout).from).toEqual({
    replica: pair.vault,
    region: 'us-east-1',
    copy: 'stream',
    why: `the replica side's credentials (role ${VAULT_ROLE_ARN}) are not known to write the target: --copy server if they may`,
    cost: { copies: 3, bytes: 21, writes: 3, reads: 3, deleteMarkers: 2, largest: 9 },
  });
});

/**
 * Replaces the body of every GetObject answer about `bucket` by `alter` of the bytes the SDK read
 * (and checked): a body that a connection cut short, or that changed on the way, without an error.
 */
function alterBodies(bucket: string, alter: (bytes: Buffer) => Buffer): jest.SpyInstance {
  const original = S3Client.prototype.send as (...a: unknown[]) => Promise<unknown>;
  return jest.spyOn(S3Client.prototype, 'send').mockImplementation(async function (
    this: S3Client,
    ...args: unknown[]
  ) {
    const res = await original.apply(this, args);
    const command = args[0];
    if (!(command instanceof GetObjectCommand) || command.input.Bucket !== bucket) return res as never;
    const object = res as GetObjectCommandOutput;
    const bytes = Buffer.from((await object.Body?.transformToByteArray()) ?? new Uint8Array());
    return { ...object, Body: Readable.from([alter(bytes)]) } as never;
  });
}

describe('GIVEN a replica body that does not arrive whole', () => {
  async function restoreAltered(prefix: string, body: string | Uint8Array, alter: (b: Buffer) => Buffer) {
    const pair = await createReplicatedPair(prefix);
    await pair.put('doc', body);
    const to = await pointInTime();
    await pair.put('doc', 'ENCRYPTED');
    const before = await versionIds(pair.primaryS3, pair.primary);
    const since = proxy.requests().length;
    const spy = alterBodies(pair.vault, alter);
    const result = await run(pair, to, asVault, ['--yes']);
    spy.mockRestore();
    return { pair, before, since, result };
  }

  test('WHEN the body ends early THEN nothing is written for the key, and the run says it failed and how to finish', async () => {
    const { pair, before, result } = await restoreAltered('rv-short', 'the whole document', (b) =>
      b.subarray(0, 5),
    );

    expect(result.code).toBe(1);
    expect(result.stdout).toContain('done: 0 copied, 0 delete markers added, 1 failed');
    expect(result.stdout).toMatch(
      /failed "doc": .*5 bytes read, 18 expected \(its size\): nothing written for it/,
    );
    expect(result.stdout).toContain('Run the same command again to finish the restore.');
    expect(await versionIds(pair.primaryS3, pair.primary)).toEqual(before);
  });

  test('WHEN a multipart body ends early THEN the upload is aborted, never completed', async () => {
    const { pair, before, since, result } = await restoreAltered(
      'rv-short-mp',
      randomBytes(12 * 1024 ** 2),
      (b) => b.subarray(0, 10 * 1024 ** 2),
    );

    expect(result.stdout).toContain('0 copied, 0 delete markers added, 1 failed');
    const uploads = about(pair.primary, since).filter((r) => /[?&]uploadId=/.test(r.url));
    expect(uploads.filter((r) => r.method === 'POST')).toEqual([]);
    expect(uploads.some((r) => r.method === 'DELETE')).toBe(true);
    const open = await pair.primaryS3.send(new ListMultipartUploadsCommand({ Bucket: pair.primary }));
    expect(open.Uploads ?? []).toEqual([]);
    expect(await versionIds(pair.primaryS3, pair.primary)).toEqual(before);
  });

  test('WHEN a byte of a single-part body changed THEN its MD5 differs from its ETag and nothing is written for it', async () => {
    const { pair, before, result } = await restoreAltered('rv-flip', 'the whole document', (b) =>
      Buffer.concat([Buffer.from('T'), b.subarray(1)]),
    );

    expect(result.stdout).toContain('0 copied, 0 delete markers added, 1 failed');
    expect(result.stdout).toMatch(
      /failed "doc": .*the bytes read have MD5 [0-9a-f]{32}, its ETag is [0-9a-f]{32}/,
    );
    expect(await versionIds(pair.primaryS3, pair.primary)).toEqual(before);
  });
});
