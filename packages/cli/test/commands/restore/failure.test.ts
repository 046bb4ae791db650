import type { S3Client } from '@aws-sdk/client-s3';
import { motoEnv } from '../../../../../test/support/moto';
import { errorLines, runCli } from '../../support/cli';
import { type RecordingProxy, startRecordingProxy } from '../../support/recording-proxy';
import { createBucket, currentContents, motoS3, pointInTime, putMany } from '../../support/versioned';

// A restore that an error stops midway ends as one that Ctrl-C stops: the requests in flight are
// waited for, then the summary of what was written and how to finish, then the error.

let s3: S3Client;
beforeAll(() => {
  s3 = motoS3();
});

const KEYS = Array.from({ length: 60 }, (_, i) => `k${String(i).padStart(2, '0')}`);

describe('GIVEN an endpoint that stops answering copies while many are in flight', () => {
  let proxy: RecordingProxy;
  let bucket: string;
  let result: { code: number; stdout: string; stderr: string };
  beforeAll(async () => {
    bucket = await createBucket(s3, 'rf-hang');
    await putMany(
      s3,
      bucket,
      KEYS.map((key) => ({ key, body: 'at T' })),
    );
    const to = await pointInTime();
    await putMany(
      s3,
      bucket,
      KEYS.map((key) => ({ key, body: 'after T' })),
    );
    // Listings and reads are answered; every CopyObject (a PUT naming a copy source) hangs.
    proxy = await startRecordingProxy({
      neverAnswer: (req) => req.headers['x-amz-copy-source'] !== undefined,
    });
    result = await runCli(['restore', '--bucket', bucket, '--to', to, '--yes', '--concurrency', '64'], {
      env: { ...motoEnv(), AWS_ENDPOINT_URL: proxy.endpoint, S3_DR_REQUEST_TIMEOUT: '300ms' },
    });
  }, 60_000);
  afterAll(() => proxy.close());

  it('WHEN the restore stops THEN stdout ends with the same INTERRUPTED summary and rerun advice as Ctrl-C, and counts the writes left without an answer', () => {
    expect(result.stdout).toMatch(
      /\nINTERRUPTED: 0 copied, 0 delete markers added, 0 failed\n60 writes got no answer: S3 may still carry them out; the next run's plan shows what is done\nRun the same command again to finish the restore\.\n$/,
    );
    expect(result.code).toBe(2);
  });

  it('WHEN it stops THEN stderr says so at once, and ends with the error', () => {
    const lines = errorLines(result.stderr);
    expect(lines[0]).toMatch(
      /^s3-dr: stopping: cannot reach .*; finishing the requests in flight \(Ctrl-C again to quit at once\)$/,
    );
    expect(lines.at(-1)).toMatch(/^s3-dr: cannot reach /);
  });

  it('WHEN a request was given up before its last attempt THEN the error says how many were made, and why no more', () => {
    // 64 requests failing at once use up the SDK's retry quota: some are never retried.
    expect(errorLines(result.stderr).at(-1)).toBe(
      `s3-dr: cannot reach ${proxy.endpoint} for bucket ${bucket} (nothing received for 0.3s, 1 of 6 attempts: no more retries, too many requests were failing at once): check --endpoint-url, --region and the network`,
    );
  });

  it('WHEN it stops THEN nothing was written', async () => {
    expect(Object.values(await currentContents(s3, bucket))).toEqual(KEYS.map(() => 'after T'));
  });
});
