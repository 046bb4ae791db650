import { RESERVED_PREFIX } from 's3-dr-naming';

// What both the command line (help text, defaults) and the probe logic need to know. Kept apart
// from probe.ts, which loads the S3 client, so that `s3-dr probe --help` stays quick.

/** Where probes live: under the reserved prefix, never among user data. */
export const PROBE_PREFIX = `${RESERVED_PREFIX}probe/`;

export const PROBE_DEFAULTS = { count: 3, timeoutMs: 20 * 60_000, pollIntervalMs: 5000 } as const;

/**
 * The most probes --count allows: a few probes measure replication; each one costs a write, a read
 * per poll and two delete markers, and Ctrl-C must still clean up within moments.
 */
export const MAX_PROBES = 1000;
