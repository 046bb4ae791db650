import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

export interface Replicator {
  /** When each key was first seen in the source (ms since the epoch). */
  readonly seen: ReadonlyMap<string, number>;
  /** When each key's copy landed in the replica (the end of its PutObject, ms since the epoch). */
  readonly landed: ReadonlyMap<string, number>;
  /** Stops the loop and waits for its last round. */
  stop(): Promise<void>;
}

export interface ReplicatorOptions {
  /**
   * How long after it is first seen in the source an object is copied: the replication delay the
   * test injects (the loop's `intervalMs` adds up to one interval). @default 0
   */
  readonly delayMs?: number;
  /** Called after each copy, with the replica bucket and the key (e.g. to mark it as a replica). */
  readonly onCopy?: (bucket: string, key: string) => unknown;
  /** While this says true nothing is copied, as while replication is paused; the delay counts from the resume. */
  readonly paused?: () => boolean;
  /** Writes the copies with this client (a vault's credentials, in another account). @default the source's */
  readonly replicaS3?: S3Client;
}

/**
 * Plays S3's replicator for tests (moto does not replicate): every `intervalMs` it lists `prefix`
 * in `source` and copies each object it has not copied yet, with its content, into `replica`,
 * `delayMs` after it first saw it.
 */
export function startReplicator(
  s3: S3Client,
  source: string,
  replica: string,
  prefix: string,
  intervalMs = 50,
  { delayMs = 0, onCopy, paused, replicaS3 = s3 }: ReplicatorOptions = {},
): Replicator {
  const seen = new Map<string, number>();
  const copied = new Set<string>();
  const landed = new Map<string, number>();
  let running = true;
  const loop = (async () => {
    while (running) {
      if (paused?.()) {
        seen.clear();
        await new Promise((resolve) => setTimeout(resolve, intervalMs));
        continue;
      }
      const listing = await s3.send(new ListObjectsV2Command({ Bucket: source, Prefix: prefix }));
      for (const { Key } of listing.Contents ?? []) {
        if (!Key || copied.has(Key)) continue;
        if (!seen.has(Key)) seen.set(Key, Date.now());
        if (Date.now() - (seen.get(Key) as number) < delayMs) continue;
        copied.add(Key);
        let body: string | undefined;
        try {
          const object = await s3.send(new GetObjectCommand({ Bucket: source, Key }));
          body = await object.Body?.transformToString();
        } catch (err) {
          // Deleted (a probe's clean-up) between the listing and the read: nothing to copy.
          if ((err as Error).name === 'NoSuchKey') continue;
          throw err;
        }
        await replicaS3.send(new PutObjectCommand({ Bucket: replica, Key, Body: body }));
        landed.set(Key, Date.now());
        await onCopy?.(replica, Key);
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  return {
    seen,
    landed,
    async stop() {
      running = false;
      await loop;
    },
  };
}
