import { Duration, NestedStack, type NestedStackProps, RemovalPolicy, Size } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { S3ReplicationPair } from 's3-dr-cdk';
import type { ReplicaObjectLock, TapConfig } from './config';

export interface S3ReplicationStackProps extends NestedStackProps {
  readonly config: TapConfig;
}

/** The nested stack of `TapStack<suffix>` that holds the replication pair. */
export class S3ReplicationStack extends NestedStack {
  readonly pair: S3ReplicationPair;

  constructor(scope: Construct, id: string, props: S3ReplicationStackProps) {
    super(scope, id, props);
    const { config } = props;
    // The id 'Default' adds nothing to logical ids: every resource keeps the logical id it had
    // before the pair became a library construct, so updating a deployed stack replaces nothing.
    this.pair = new S3ReplicationPair(this, 'Default', {
      environmentSuffix: config.environmentSuffix,
      removalPolicy: config.removalPolicy === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      alarmEmail: config.alarmEmail,
      replicaRegion: config.replicaRegion,
      bidirectional: config.bidirectional,
      replicaAccount: config.replicaAccount,
      vaultRecoveryRole: config.vaultRecoveryRole,
      multiRegionAccessPoint: config.multiRegionAccessPoint,
      replicaArchiveClass: config.replicaArchiveClass
        ? new s3.StorageClass(config.replicaArchiveClass)
        : undefined,
      replicaObjectLock: objectLock(config.replicaObjectLock),
      protectReplica: config.protectReplica,
      breakGlassRoleArn: config.breakGlassRoleArn,
      drill: config.drill,
      inventory: config.inventory,
      inventoryFormat: config.inventoryFormat as s3.InventoryFormat,
      inventoryRetention: Duration.days(config.inventoryRetentionDays),
      athenaBytesScannedCutoff: Size.gibibytes(config.athenaScanLimitGib),
    });
  }
}

function objectLock(lock: ReplicaObjectLock | undefined): s3.ObjectLockRetention | undefined {
  if (!lock) return undefined;
  const days = Duration.days(lock.days);
  return lock.mode === 'compliance'
    ? s3.ObjectLockRetention.compliance(days)
    : s3.ObjectLockRetention.governance(days);
}
