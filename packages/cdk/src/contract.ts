/**
 * What the stack needs to know about the two functions: metric namespace and names, environment
 * variables and defaults. Free of SDK imports so that `lib/` can import it without pulling the
 * function code into the CDK app.
 */
import { RESERVED_PREFIX } from 's3-dr-naming';

/** CloudWatch namespace of every metric the functions publish (through EMF log lines). */
export const METRIC_NAMESPACE = 'S3DR/Replication';

/** The one dimension of every metric: the replication source (primary) bucket's name. */
export const SOURCE_BUCKET_DIMENSION = 'SourceBucket';

/** Metrics of lambda/replication-events.ts: one per S3 replication event type, Count, value 1 per event. */
export const REPLICATION_EVENT_METRICS = {
  failed: 'OperationFailedReplication',
  missedThreshold: 'OperationMissedThreshold',
  replicatedAfterThreshold: 'OperationReplicatedAfterThreshold',
  notTracked: 'OperationNotTracked',
} as const;

export type ReplicationEventMetric =
  (typeof REPLICATION_EVENT_METRICS)[keyof typeof REPLICATION_EVENT_METRICS];

/** Metrics of lambda/canary.ts, published once per run (see canary.ts for their exact meaning). */
export const CANARY_METRICS = {
  /** Seconds, one value per probe found in the replica this run. */
  latency: 'CanaryReplicationLatency',
  /** Count of probes found in the replica this run. */
  completed: 'CanaryProbesCompleted',
  /** Count of probes older than CANARY_OVERDUE_SECONDS still missing from the replica, or FAILED. */
  overdue: 'CanaryProbesOverdue',
  /** 1 when the canary itself failed (access denied, KMS, missing bucket), else 0; always published. */
  errors: 'CanaryErrors',
  /**
   * Replica with Object Lock only: count of the probes found in the replica this run whose replica
   * version carries no retention in force (0: every one read carries it). Published only in runs
   * that read at least one.
   */
  replicasUnlocked: 'CanaryReplicasUnlocked',
} as const;

/** A probe still missing from the replica after this many seconds is overdue (the S3 RTC threshold). */
export const CANARY_OVERDUE_SECONDS = 15 * 60;

/** Environment variables of the canary function. */
export const CANARY_ENV = {
  /** Required: the replication source bucket the canary writes probes to. */
  primaryBucket: 'PRIMARY_BUCKET',
  /** Required: the replication destination bucket the canary reads probes from. */
  replicaBucket: 'REPLICA_BUCKET',
  /** Optional: where probes live; must start with RESERVED_PREFIX. @default CANARY_DEFAULT_PREFIX */
  prefix: 'CANARY_PREFIX',
  /** Optional: how long a run waits for its own probe to arrive. @default CANARY_DEFAULT_WAIT_SECONDS */
  waitSeconds: 'CANARY_WAIT_SECONDS',
  /** Optional: 'true' when the replica bucket has Object Lock (the canary then reads replicas' retention). @default 'false' */
  replicaObjectLock: 'REPLICA_OBJECT_LOCK',
  /**
   * Optional: a role the canary assumes to read the replica bucket (a vault in another account, whose
   * role `s3-dr-vault-canary-<suffix>` may read the probes' replicas). @default - the function's own role
   */
  replicaRoleArn: 'REPLICA_ROLE_ARN',
} as const;

export const CANARY_DEFAULT_PREFIX = `${RESERVED_PREFIX}canary/`;
/**
 * Where the reverse canary (two-way) writes its probes, in the replica. Not under
 * CANARY_DEFAULT_PREFIX: each canary lists its own prefix in the bucket it writes to, and the
 * other direction's probes arrive there as replicas, which it must not take for its own.
 */
export const REVERSE_CANARY_PREFIX = `${RESERVED_PREFIX}canary-back/`;

/**
 * How long each run polls the replica for the probe it just wrote. Replication usually takes
 * seconds, so this measures the common case precisely; the function's timeout must exceed it
 * (give it 2 minutes for the default).
 */
export const CANARY_DEFAULT_WAIT_SECONDS = 60;
