/**
 * Plays S3's replicator against a local S3 (moto does not replicate), for trying `s3-dr probe` and
 * `s3-dr drill` by hand: copies every new object under the prefix from the source bucket to the
 * replica, a fixed delay after it first saw it, until Ctrl-C. A test fixture, never part of s3-dr.
 *
 *   node --import tsx packages/cli/test/support/replicate.ts <source> <replica> [delay seconds, default 2] [prefix, default _s3-dr/]
 *
 * Talks to AWS_ENDPOINT_URL (required: it refuses to copy between real buckets).
 */
import { S3Client } from '@aws-sdk/client-s3';
import { startReplicator } from './replicator';

const [source, replica, delaySeconds = '2', prefix = '_s3-dr/'] = process.argv.slice(2);
const endpoint = process.env.AWS_ENDPOINT_URL;
if (!source || !replica || !endpoint || !Number.isFinite(Number(delaySeconds))) {
  console.error(
    'usage: AWS_ENDPOINT_URL=http://127.0.0.1:5055 node --import tsx packages/cli/test/support/replicate.ts <source> <replica> [delay seconds] [prefix]',
  );
  process.exit(2);
}
const s3 = new S3Client({
  endpoint,
  forcePathStyle: true,
  region: process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
});
const replicator = startReplicator(s3, source, replica, prefix, 100, {
  delayMs: Number(delaySeconds) * 1000,
});
console.error(
  `replicating s3://${source}/${prefix} to s3://${replica}/ after ${delaySeconds} s (Ctrl-C to stop)`,
);
process.on('SIGINT', () => {
  void replicator.stop().then(() => {
    console.error(`stopped: ${replicator.landed.size} objects copied`);
    process.exit(0);
  });
});
