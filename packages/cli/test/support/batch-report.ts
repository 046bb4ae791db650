import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { reportManifestKey } from '../../src/shared/batch/completion-report';

/**
 * Writes a completion report as S3 does (format Report_CSV_20180820): a top-level manifest.json at
 * <prefix>/job-<id>/manifest.json listing result CSV files of rows
 * Bucket, Key, VersionId, TaskStatus, ErrorCode, HTTPStatusCode, ResultMessage (keys URL-encoded).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/batch-ops-examples-reports.html
 */
export async function placeReport(
  s3: S3Client,
  bucket: string,
  prefix: string,
  jobId: string,
  files: { status: 'succeeded' | 'failed'; rows: string[] }[],
): Promise<void> {
  const results = [];
  for (const [i, file] of files.entries()) {
    const key = `${prefix}/job-${jobId}/results/${i}${file.status}.csv`;
    await s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: file.rows.map((r) => `${r}\n`).join('') }),
    );
    results.push({ TaskExecutionStatus: file.status, Bucket: bucket, MD5Checksum: '0'.repeat(32), Key: key });
  }
  const manifest = {
    Format: 'Report_CSV_20180820',
    ReportCreationDate: '2024-05-01T12:00:00.000Z',
    Results: results,
    ReportSchema: 'Bucket, Key, VersionId, TaskStatus, ErrorCode, HTTPStatusCode, ResultMessage',
  };
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: reportManifestKey(prefix, jobId),
      Body: JSON.stringify(manifest),
    }),
  );
}
