import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  PutBucketReplicationCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  type PutObjectCommandInput,
  S3Client,
} from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { deploymentNames, OUTPUT_KEYS, VAULT_OUTPUT_KEYS } from 's3-dr-naming';
import { motoEndpoint, motoEnv } from '../../../../test/support/moto';
import { MOTO_ACCOUNT, uniqueSuffix } from './dr-pair';
import { bucketOf, startRecordingProxy } from './recording-proxy';
import { createBucket, motoS3 } from './versioned';

/** The vault's account in these tests: moto acts in the account of the role a caller assumed. */
export const VAULT_ACCOUNT = '222222222222';

/** A role of the vault account (moto assumes any role ARN it is given, in that role's account). */
export const VAULT_ROLE_ARN = `arn:aws:iam::${VAULT_ACCOUNT}:role/s3-dr-vault-reader`;

export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
}

/** Credentials of the vault account: STS AssumeRole of {@link VAULT_ROLE_ARN} with the primary's. */
export async function vaultCredentials(): Promise<Credentials> {
  const sts = new STSClient({
    region: 'us-east-1',
    endpoint: motoEndpoint(),
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
  const res = await sts.send(new AssumeRoleCommand({ RoleArn: VAULT_ROLE_ARN, RoleSessionName: 'test' }));
  const c = res.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken)
    throw new Error('moto returned no credentials');
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
}

/** An S3 client of moto acting with these credentials (the vault's: {@link vaultCredentials}). */
export function s3With(credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) {
  return new S3Client({ region: 'us-east-1', endpoint: motoEndpoint(), forcePathStyle: true, credentials });
}

/**
 * A shared config file and credentials file holding these profiles (as `aws configure` writes
 * them), for AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE.
 */
export function profileFiles(
  profiles: Readonly<Record<string, { accessKeyId: string; secretAccessKey: string; sessionToken?: string }>>,
): { AWS_CONFIG_FILE: string; AWS_SHARED_CREDENTIALS_FILE: string } {
  const dir = mkdtempSync(join(tmpdir(), 's3-dr-profiles-'));
  const files = {
    AWS_CONFIG_FILE: join(dir, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
  };
  const entries = Object.entries(profiles);
  writeFileSync(
    files.AWS_CONFIG_FILE,
    entries.map(([name]) => `[profile ${name}]\nregion = us-east-1\n`).join('\n'),
  );
  writeFileSync(
    files.AWS_SHARED_CREDENTIALS_FILE,
    entries
      .map(
        ([name, c]) =>
          `[${name}]\naws_access_key_id = ${c.accessKeyId}\naws_secret_access_key = ${c.secretAccessKey}\n${c.sessionToken ? `aws_session_token = ${c.sessionToken}\n` : ''}`,
      )
      .join('\n'),
  );
  return files;
}

/** A pair whose replica is a vault: the primary in moto's default account, the replica in the vault's. */
export interface VaultPair {
  readonly suffix: string;
  readonly source: string;
  readonly replica: string;
  /** A flat outputs file as the primary's stack gives it, with ReplicaAccount. */
  readonly outputsFile: string;
  readonly vault: Credentials;
}

/**
 * Builds the buckets of a vault deployment named by the naming contract for a new suffix: the
 * primary (versioned, with a rule replicating everything to the vault) created with the primary's
 * credentials, the replica (versioned) created with the vault account's; both hold `files`
 * (moto does not replicate: the test writes the replica's copy). Writes the outputs file.
 */
export async function buildVaultPair(files: Readonly<Record<string, string>> = {}): Promise<VaultPair> {
  const suffix = uniqueSuffix();
  const names = deploymentNames(suffix, MOTO_ACCOUNT, VAULT_ACCOUNT);
  const vault = await vaultCredentials();
  const primaryS3 = s3With({ accessKeyId: 'testing', secretAccessKey: 'testing' });
  const vaultS3 = s3With(vault);
  for (const [s3, bucket] of [
    [primaryS3, names.primaryBucket],
    [vaultS3, names.replicaBucket],
  ] as const) {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(
      new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }),
    );
    for (const [key, body] of Object.entries(files)) {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    }
  }
  await primaryS3.send(
    new PutBucketReplicationCommand({
      Bucket: names.primaryBucket,
      ReplicationConfiguration: {
        Role: `arn:aws:iam::${MOTO_ACCOUNT}:role/${names.replicationRole}`,
        Rules: [
          {
            ID: names.replicationRuleId,
            Status: 'Enabled',
            Priority: 1,
            Filter: { Prefix: '' },
            DeleteMarkerReplication: { Status: 'Enabled' },
            Destination: { Bucket: `arn:aws:s3:::${names.replicaBucket}`, Account: VAULT_ACCOUNT },
          },
        ],
      },
    }),
  );
  const outputsFile = join(mkdtempSync(join(tmpdir(), 's3-dr-vault-')), 'flat-outputs.json');
  writeFileSync(
    outputsFile,
    JSON.stringify({
      [OUTPUT_KEYS.primaryBucketArn]: `arn:aws:s3:::${names.primaryBucket}`,
      [OUTPUT_KEYS.replicaBucketArn]: `arn:aws:s3:::${names.replicaBucket}`,
      [OUTPUT_KEYS.replicationRuleId]: names.replicationRuleId,
      [VAULT_OUTPUT_KEYS.replicaAccount]: VAULT_ACCOUNT,
    }),
  );
  return { suffix, source: names.primaryBucket, replica: names.replicaBucket, outputsFile, vault };
}

/**
 * A recording proxy in front of moto for a vault pair: it tells whose credentials signed each
 * request and, while `refusePrimary` is set, refuses requests about the vault signed with the
 * primary's (`testing`), as S3 refuses another account's principal that no policy grants (moto
 * enforces no bucket policy).
 */
export async function startVaultProxy(pair: VaultPair) {
  const state = { refusePrimary: false };
  const proxy = await startRecordingProxy({
    deny: (r) => state.refusePrimary && bucketOf(r) === pair.replica && r.accessKey === PRIMARY_ACCESS_KEY,
  });
  return {
    proxy,
    state,
    /** The moto environment with the proxy as endpoint. */
    env: (extra: Record<string, string> = {}) => ({
      ...motoEnv(),
      AWS_ENDPOINT_URL: proxy.endpoint,
      ...extra,
    }),
    /** The access keys that signed the requests about `bucket` from request number `from` on. */
    signers: (bucket: string, from = 0) =>
      new Set(
        proxy
          .requests()
          .slice(from)
          .filter((r) => bucketOf(r) === bucket)
          .map((r) => r.accessKey),
      ),
  };
}

/** The access key of the primary's credentials in the moto environment. */
export const PRIMARY_ACCESS_KEY = 'testing';

/**
 * A primary bucket (default account) and its vault (VAULT_ACCOUNT), both versioned, with writes
 * that go to the primary and, as S3 replication would carry them, to the vault: the same body,
 * content headers, metadata and tags; deletes as delete markers. A test fixture playing the
 * replicator (moto does not replicate), never product code. Unlike S3, moto gives the replica its
 * own version ids.
 */
export interface ReplicatedPair {
  readonly primary: string;
  readonly vault: string;
  /** Clients of each account. */
  readonly primaryS3: S3Client;
  readonly vaultS3: S3Client;
  /** Writes to the primary and replicates the write into the vault. */
  put(key: string, body: string | Uint8Array, extra?: Partial<PutObjectCommandInput>): Promise<void>;
  /** Deletes in the primary (a delete marker) and replicates the marker. */
  remove(key: string): Promise<void>;
  /** Writes to the primary only (not replicated, or not yet). */
  putPrimaryOnly(key: string, body: string): Promise<void>;
}

export async function createReplicatedPair(prefix: string): Promise<ReplicatedPair> {
  const primaryS3 = motoS3();
  const vaultS3 = s3With(await vaultCredentials());
  const pair = {
    primary: await createBucket(primaryS3, `${prefix}-p`),
    vault: await createBucket(vaultS3, `${prefix}-v`),
  };
  const both = async (write: (s3: S3Client, bucket: string) => Promise<unknown>): Promise<void> => {
    await write(primaryS3, pair.primary);
    await write(vaultS3, pair.vault);
  };
  return {
    ...pair,
    primaryS3,
    vaultS3,
    put: (key, body, extra = {}) =>
      both((s3, bucket) => s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ...extra }))),
    remove: (key) => both((s3, bucket) => s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }))),
    putPrimaryOnly: async (key, body) => {
      await primaryS3.send(new PutObjectCommand({ Bucket: pair.primary, Key: key, Body: body }));
    },
  };
}
