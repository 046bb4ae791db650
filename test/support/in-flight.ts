import type { S3Client } from '@aws-sdk/client-s3';

/**
 * Counts the requests of one command that `client` has in flight at once; returns a reader of the
 * most so far (to check that work runs in parallel, and no more than a bound allows).
 */
export function mostInFlight(client: S3Client, commandName: string): () => number {
  let inFlight = 0;
  let most = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== commandName) return next(args);
      most = Math.max(most, ++inFlight);
      try {
        return await next(args);
      } finally {
        inFlight--;
      }
    },
    { step: 'initialize' },
  );
  return () => most;
}
