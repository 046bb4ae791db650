/**
 * Writes S3 Inventory reports of two buckets in moto, in the layout S3 writes them
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/storage-inventory-location.html), so that
 * `s3-dr verify --inventory` can be tried without an AWS account: moto has no S3 Inventory. The
 * rows are what each bucket holds now (every version and delete marker); the source's entries say
 * ReplicationStatus COMPLETED (FAILED for --failed keys), the replica's REPLICA. Prints the verify
 * command that reads them. Only against an endpoint (AWS_ENDPOINT_URL): never a real account.
 *
 *   npx tsx bench/inventory-reports.ts --source <bucket> --replica <bucket> --destination <bucket>
 */
import { parseArgs } from 'node:util';
import { CreateBucketCommand, HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { DEFAULT_REGION } from '../packages/cli/src/shared/aws-options';
import { putReport, type ReportSpec, rowsOf } from '../packages/cli/test/support/inventory';

const USAGE = `Usage: npx tsx bench/inventory-reports.ts --source <bucket> --replica <bucket> --destination <bucket>
       [--format CSV|Parquet] [--failed <key>]...

Writes an S3 Inventory report of each bucket, made now, into --destination (created if missing)
under inventory/<bucket>/s3-dr-test/, on the endpoint AWS_ENDPOINT_URL (moto), and prints the
s3-dr verify --inventory command that compares them.
  --format   CSV (default) or Parquet
  --failed   a source key whose entries say ReplicationStatus FAILED (repeatable)`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      source: { type: 'string' },
      replica: { type: 'string' },
      destination: { type: 'string' },
      format: { type: 'string', default: 'CSV' },
      failed: { type: 'string', multiple: true, default: [] },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const { source, replica, destination, format } = values;
  if (!source || !replica || !destination || (format !== 'CSV' && format !== 'Parquet')) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  if (!process.env.AWS_ENDPOINT_URL) {
    process.stderr.write(
      'AWS_ENDPOINT_URL is not set: this writes to moto only (e.g. http://127.0.0.1:5000)\n',
    );
    return 2;
  }
  // The SDK reads AWS_REGION only; the region as s3-dr picks it (shared/aws.ts), so that the
  // README's environment (AWS_DEFAULT_REGION) works here too.
  const region = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? DEFAULT_REGION;
  const s3 = new S3Client({ forcePathStyle: true, region });
  await s3
    .send(new HeadBucketCommand({ Bucket: destination }))
    .catch(() => s3.send(new CreateBucketCommand({ Bucket: destination })));
  const failed = new Set(values.failed);
  const spec = { destination, createdAt: Date.now(), format: format as ReportSpec['format'] };
  const sourceRoot = await putReport(s3, {
    ...spec,
    sourceBucket: source,
    rows: await rowsOf(s3, source, (key) => (failed.has(key) ? 'FAILED' : 'COMPLETED')),
  });
  const replicaRoot = await putReport(s3, {
    ...spec,
    sourceBucket: replica,
    rows: await rowsOf(s3, replica, () => 'REPLICA'),
  });
  // Objects written a moment ago are within --grace of the reports: --grace 0 judges them too.
  process.stdout.write(
    `s3-dr verify --source ${source} --replica ${replica} --inventory --engine local --source-inventory ${sourceRoot} --replica-inventory ${replicaRoot} --grace 0\n`,
  );
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`inventory-reports: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
