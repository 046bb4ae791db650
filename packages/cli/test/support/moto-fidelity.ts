import type { ReplicationConfiguration, S3Client } from '@aws-sdk/client-s3';
import type { AwsClients } from '../../src/shared/aws';

/**
 * moto 5.2's GetBucketReplication does not return the rule it was given: it always answers
 * `Filter {Prefix: ""}` and `DeleteMarkerReplication {Status: Disabled}` and drops
 * `SourceSelectionCriteria` (moto/s3/responses.py, get_bucket_replication), while S3 returns the
 * configuration as PUT. This shim restores S3's behaviour on a client: it remembers each
 * PutBucketReplication input (per test file, in a global map shared by every shimmed client) and
 * answers GetBucketReplication with it. Everything else still goes to moto unchanged.
 */
export function faithfulReplication(s3: S3Client): S3Client {
  s3.middlewareStack.add(
    ((next: Handler, context: { commandName?: string }) => async (args: { input: unknown }) => {
      const input = args.input as { Bucket?: string; ReplicationConfiguration?: ReplicationConfiguration };
      const result = await next(args);
      const bucket = input.Bucket ?? '';
      switch (context.commandName) {
        case 'PutBucketReplicationCommand':
          if (input.ReplicationConfiguration)
            store().set(bucket, structuredClone(input.ReplicationConfiguration));
          break;
        case 'DeleteBucketReplicationCommand':
          store().delete(bucket);
          break;
        case 'GetBucketReplicationCommand': {
          const saved = store().get(bucket);
          if (saved) {
            (
              result.output as { ReplicationConfiguration?: ReplicationConfiguration }
            ).ReplicationConfiguration = structuredClone(saved);
          }
          break;
        }
      }
      return result;
    }) as never,
    { step: 'initialize', name: 'motoFaithfulReplication' },
  );
  return s3;
}

/** {@link faithfulReplication} on the S3 client of a set of CLI clients, and of its other regions. */
export function withFaithfulReplication(clients: AwsClients): AwsClients {
  faithfulReplication(clients.s3);
  const inRegion = clients.inRegion.bind(clients);
  const shimmed = new Set<AwsClients>([clients]);
  (clients as { inRegion: AwsClients['inRegion'] }).inRegion = (region) => {
    const regional = inRegion(region);
    if (!shimmed.has(regional)) {
      shimmed.add(regional);
      faithfulReplication(regional.s3);
    }
    return regional;
  };
  return clients;
}

type Handler = (args: { input: unknown }) => Promise<{ output: unknown }>;

const STORE = Symbol.for('s3-dr.test.replicationConfigurations');

function store(): Map<string, ReplicationConfiguration> {
  const g = globalThis as { [STORE]?: Map<string, ReplicationConfiguration> };
  g[STORE] ??= new Map();
  return g[STORE];
}
