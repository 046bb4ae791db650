import type { S3Client } from '@aws-sdk/client-s3';
import {
  COPY_FIXES,
  formatSummary,
  REPLICATION_FIXES,
  readCompletionReport,
  splitCsv,
  summarizeReport,
  type TaskResult,
} from '../../../src/shared/batch/completion-report';
import { placeReport } from '../../support/batch-report';
import { collect } from '../../support/collect';
import { createBucket, motoS3 } from '../../support/versioned';

let s3: S3Client;
let ops: string;
beforeAll(async () => {
  s3 = motoS3();
  ops = await createBucket(s3, 'ops-report');
});

test('GIVEN a report S3 wrote WHEN read THEN every task comes back with its key decoded', async () => {
  await placeReport(s3, ops, 'reports/backfill', 'job-a', [
    { status: 'succeeded', rows: ['src,with%20space%2Bplus.txt,v1,succeeded,,200,Successful'] },
    {
      status: 'failed',
      rows: ['src,dir%2F%C3%BC.txt,v2,failed,DstPutObjectNotPermitted,403,"Access denied, check role"'],
    },
  ]);

  const tasks = await collect((await readCompletionReport(s3, ops, 'reports/backfill', 'job-a')) ?? []);

  expect(tasks).toEqual([
    {
      bucket: 'src',
      key: 'with space+plus.txt',
      versionId: 'v1',
      succeeded: true,
      errorCode: '',
      httpStatus: '200',
      message: 'Successful',
    },
    {
      bucket: 'src',
      key: 'dir/ü.txt',
      versionId: 'v2',
      succeeded: false,
      errorCode: 'DstPutObjectNotPermitted',
      httpStatus: '403',
      message: 'Access denied, check role',
    },
  ]);
});

test('GIVEN no report (yet) THEN there is none, not an error', async () => {
  expect(await readCompletionReport(s3, ops, 'reports/backfill', 'job-none')).toBeUndefined();
});

test('GIVEN replication failures WHEN summarized THEN they are grouped by failure reason, most first, with the fix', async () => {
  await placeReport(s3, ops, 'reports/backfill', 'job-b', [
    {
      status: 'failed',
      rows: [
        'src,a,v1,failed,,403,DstPutObjectNotPermitted',
        'src,b,v2,failed,,403,DstPutObjectNotPermitted',
        'src,c,v3,failed,PermanentFailure,400,SrcObjectNotEligible',
        'src,d,v4,failed,SomethingNew,500,boom',
      ],
    },
    { status: 'succeeded', rows: ['src,e,v5,succeeded,,200,Successful'] },
  ]);

  const summary = await summarizeReport(
    (await readCompletionReport(s3, ops, 'reports/backfill', 'job-b')) as AsyncIterable<TaskResult>,
    REPLICATION_FIXES,
  );

  expect(summary.succeeded).toBe(1);
  expect(summary.failed).toBe(4);
  expect(summary.failures.map((g) => [g.reason, g.count, g.keys])).toEqual([
    ['DstPutObjectNotPermitted', 2, ['a', 'b']],
    ['SrcObjectNotEligible', 1, ['c']],
    ['SomethingNew', 1, ['d']],
  ]);
  const text = formatSummary(summary).join('\n');
  expect(text).toContain('report: 1 succeeded, 4 failed');
  expect(text).toContain(`fix: ${REPLICATION_FIXES.DstPutObjectNotPermitted}`);
  expect(text).not.toMatch(/SomethingNew.*\n\s+fix:/);
});

test('copy failures use the copy fixes', async () => {
  async function* one(): AsyncGenerator<TaskResult> {
    yield {
      bucket: 'b',
      key: 'k',
      versionId: 'v',
      succeeded: false,
      errorCode: 'NoSuchVersion',
      httpStatus: '404',
      message: '',
    };
  }
  const summary = await summarizeReport(one(), COPY_FIXES);
  expect(summary.failures[0]).toMatchObject({ reason: 'NoSuchVersion', fix: COPY_FIXES.NoSuchVersion });
});

test('CSV fields honour quotes and doubled quotes', () => {
  expect(splitCsv('a,"b,c","say ""hi""",')).toEqual(['a', 'b,c', 'say "hi"', '']);
});
