import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

export interface Replicator {
  /** When each key was first seen in the source (ms since the epoch). */
  readonly seen: ReadonlyMap<string, number>;
  /** Stops the loop and waits for its last round. */
  stop(): Promise<void>;
}

/**
 * Plays S3's replicator for tests (moto does not replicate): every `intervalMs` it lists `prefix`
 * in `source` and copies each object it has not copied yet, with its content, into `replica`.
 */
export function startReplicator(
  s3: S3Client,
  source: string,
  replica: string,
  prefix: string,
  intervalMs = 50,
): Replicator {
  const seen = new Map<string, number>();
  let running = true;
  const loop = (async () => {
    while (running) {
      const listing = await s3.send(new ListObjectsV2Command({ Bucket: source, Prefix: prefix }));
      for (const { Key } of listing.Contents ?? []) {
        if (!Key || seen.has(Key)) continue;
        seen.set(Key, Date.now());
        let body: string | undefined;
        try {
          const object = await s3.send(new GetObjectCommand({ Bucket: source, Key }));
          body = await object.Body?.transformToString();
        } catch (err) {
          // Deleted (a probe's clean-up) between the listing and the read: nothing to copy.
          if ((err as Error).name === 'NoSuchKey') continue;
          throw err;
        }
        await s3.send(new PutObjectCommand({ Bucket: replica, Key, Body: body }));
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  return {
    seen,
    async stop() {
      running = false;
      await loop;
    },
  };
}
