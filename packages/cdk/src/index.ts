// The public API of s3-dr-cdk: the replication pair as one construct, and the pieces it is built
// from for those who compose their own.
export * from './access-logs-bucket';
export * from './alarm-topic';
export * from './alarm-topic-target';
export * from './athena-inventory-tables';
export * from './batch-operations';
export * from './deployment-role';
export * from './encrypted-bucket';
export * from './inventory-reports';
export * from './key-protection';
export * from './key-reference';
export * from './multi-region-access-point';
export * from './ops-bucket';
export { MAX_OBJECT_LOCK_DAYS } from './protection-props';
export * from './replica-protection-policy';
export * from './replication-alarms';
export * from './replication-canary';
export * from './replication-dashboard';
export * from './replication-event-log';
export * from './replication-log-group';
export * from './replication-metrics';
export * from './replication-pause-experiment';
export * from './replication-role';
export * from './reverse-replication-rule';
export * from './s3-replication-pair';
export * from './tamper-alarm';
export * from './telemetry-function';
export * from './telemetry-metrics';
