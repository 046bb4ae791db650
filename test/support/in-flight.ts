import type { S3Client } from '@aws-sdk/client-s3';

/**
 * Counts the requests of one command that `client` has in flight at once; returns a reader of the
 * most so far (to check that work runs in parallel, and no more than a bound allows).
 */
export function mostInFlight(client: S3Client, commandName: string): () => number {
  const most = mostInFlightBy(client, commandName, () => 'all');
  return () => most().all ?? 0;
}

/** As mostInFlight, counted apart for each group of requests (`groupOf` their input, e.g. by bucket). */
export function mostInFlightBy(
  client: S3Client,
  commandName: string,
  groupOf: (input: Record<string, unknown>) => string,
): () => Record<string, number> {
  const inFlight: Record<string, number> = {};
  const most: Record<string, number> = {};
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== commandName) return next(args);
      const group = groupOf(args.input as Record<string, unknown>);
      inFlight[group] = (inFlight[group] ?? 0) + 1;
      most[group] = Math.max(most[group] ?? 0, inFlight[group]);
      try {
        return await next(args);
      } finally {
        inFlight[group] -= 1;
      }
    },
    { step: 'initialize' },
  );
  return () => ({ ...most });
}
