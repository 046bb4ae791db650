import { CreateBucketCommand, PutBucketReplicationCommand, PutBucketVersioningCommand, S3Client } from '@aws-sdk/client-s3';
import { startReplicator } from './packages/cli/test/support/replicator';
const s3 = new S3Client({ region: 'us-east-1', endpoint: 'http://127.0.0.1:5960', forcePathStyle: true, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
const p = 'primary-bucket-dev-123456789012', r = 'replica-bucket-dev-123456789012';
(async () => {
  for (const b of [p, r]) { await s3.send(new CreateBucketCommand({ Bucket: b })); await s3.send(new PutBucketVersioningCommand({ Bucket: b, VersioningConfiguration: { Status: 'Enabled' } })); }
  await s3.send(new PutBucketReplicationCommand({ Bucket: p, ReplicationConfiguration: { Role: 'arn:aws:iam::123456789012:role/x', Rules: [{ ID: 'replicate-all-dev', Status: 'Enabled', Priority: 1, Filter: {}, DeleteMarkerReplication: { Status: 'Enabled' }, Destination: { Bucket: `arn:aws:s3:::${r}` } }] } }));
  const rep = startReplicator(s3, p, r, '_s3-dr/', 20, { delayMs: 2000 });
  console.log('replicating');
  await new Promise((res) => setTimeout(res, 120_000));
  await rep.stop();
})();
