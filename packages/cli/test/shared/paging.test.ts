import type { S3Client } from '@aws-sdk/client-s3';
import { ListSubscriptionsByTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { motoEndpoint, motoEnv } from '../../../../test/support/moto';
import { createFacts } from '../../src/commands/status/checks/facts';
import { createClients } from '../../src/shared/aws';
import { errorLines, runCli } from '../support/cli';
import { type RecordingProxy, startRecordingProxy } from '../support/recording-proxy';
import { createBucket, motoS3, putMany } from '../support/versioned';

// Every paginated listing stops with one clear error when a page names the cursor it was asked
// from as the place to continue: a server that ignores a marker (played here by a proxy that drops
// it before moto sees the request) would otherwise be asked for the same page forever.

let s3: S3Client;
let source: string;
let replica: string;
let proxy: RecordingProxy | undefined;

beforeAll(async () => {
  s3 = motoS3();
  [source, replica] = await Promise.all([createBucket(s3, 'pg-src'), createBucket(s3, 'pg-rep')]);
  // More than a page (1000 entries) either way: 1001 versions of the first key (written one at a
  // time: moto loses some of the versions of one key written at once), 1001 keys after it.
  await Promise.all([
    putMany(
      s3,
      source,
      Array.from({ length: 1001 }, (_, i) => ({ key: 'a-deep', body: `${i}` })),
      1,
    ),
    putMany(
      s3,
      source,
      Array.from({ length: 1001 }, (_, i) => ({ key: `k/${String(i).padStart(5, '0')}`, body: `${i}` })),
    ),
  ]);
}, 120_000);

afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
});

/** verify through a proxy that forwards every request without the query parameter `dropped`. */
async function verifyDropping(dropped: string, ...args: string[]) {
  proxy = await startRecordingProxy({
    rewrite: (url) => {
      const parsed = new URL(url, 'http://proxy');
      parsed.searchParams.delete(dropped);
      return parsed.pathname + parsed.search;
    },
  });
  return runCli(['--source', source, '--replica', replica, 'verify', '--grace', '0', ...args], {
    env: { ...motoEnv(), AWS_ENDPOINT_URL: proxy.endpoint },
  });
}

test('GIVEN a server that ignores VersionIdMarker WHEN listing the versions of a key with more than a page of them THEN the listing stops with one line naming the markers (exit 2)', async () => {
  const result = await verifyDropping('version-id-marker', '--all-versions');

  expect(result.code).toBe(2);
  expect(errorLines(result.stderr)).toEqual([
    expect.stringMatching(
      new RegExp(
        `^s3-dr: the listing of bucket ${source} does not advance: the page after keyMarker "a-deep", versionIdMarker "[^"]+" names that same place to continue from, so asking again would loop forever: is the endpoint S3-compatible\\?$`,
      ),
    ),
  ]);
}, 60_000);

test('GIVEN a server that ignores the continuation token WHEN listing more than a page of current objects THEN the listing stops with one line naming the token (exit 2)', async () => {
  const result = await verifyDropping('continuation-token');

  expect(result.code).toBe(2);
  expect(errorLines(result.stderr)).toEqual([
    expect.stringMatching(
      new RegExp(
        `^s3-dr: the listing of bucket ${source} does not advance: the page after token "[^"]+" names that same place to continue from`,
      ),
    ),
  ]);
}, 60_000);

test('GIVEN an SNS answer that repeats its NextToken WHEN reading the subscriptions of the alarm topic THEN the read fails with the same error instead of looping', async () => {
  const sns = mockClient(SNSClient);
  try {
    sns
      .on(ListSubscriptionsByTopicCommand)
      .resolves({ Subscriptions: [{ SubscriptionArn: 'arn:aws:sns:us-east-1:1:t:s' }], NextToken: 'page-2' });
    const facts = createFacts(createClients({ endpointUrl: motoEndpoint(), region: 'us-east-1' }));
    const topic = 'arn:aws:sns:us-east-1:123456789012:alarms';

    await expect(facts.subscriptions(topic)).rejects.toThrow(
      `the subscriptions listing of topic ${topic} does not advance: the page after token "page-2" names that same place to continue from, so asking again would loop forever: is the endpoint SNS-compatible?`,
    );
    expect(sns.commandCalls(ListSubscriptionsByTopicCommand)).toHaveLength(2);
  } finally {
    sns.restore();
  }
});
