import { Duration, type RemovalPolicy, Size } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { type DeploymentNames, INVENTORY_TABLES, inventoryLocation } from 's3-dr-naming';
import { AthenaInventoryTables } from './athena-inventory-tables';
import type { EncryptedBucket } from './encrypted-bucket';
import { InventoryReports } from './inventory-reports';
import { opsBucket } from './ops-bucket';
import {
  DEFAULT_INVENTORY_RETENTION_DAYS,
  type InventoryLocations,
  type S3ReplicationPairProps,
} from './pair-props';
import type { ReplicaPlacement } from './replica-placement';

export interface PairInventoryInputs {
  readonly names: DeploymentNames;
  readonly placement: ReplicaPlacement;
  readonly primary: EncryptedBucket;
  readonly replica: EncryptedBucket;
  /** The ops bucket of the pair's region: the primary's reports and the Athena results go there. */
  readonly opsBucket: s3.Bucket;
  /** The access-log bucket of the replica's side (for its own ops bucket). */
  readonly replicaAccessLogs: s3.IBucket;
  readonly removalPolicy: RemovalPolicy;
}

export interface PairInventory {
  readonly tables: AthenaInventoryTables;
  readonly locations: InventoryLocations;
  /** The replica side's own ops bucket, when the replica is in a stack of its own. */
  readonly replicaOpsBucket?: s3.Bucket;
}

/**
 * S3 Inventory of both buckets into the ops bucket of each one's region (an inventory's destination
 * must be in its source's region), and the Athena workgroup and Glue tables that query them, in the
 * pair's region.
 */
export function addInventory(
  pair: Construct,
  props: S3ReplicationPairProps,
  inputs: PairInventoryInputs,
): PairInventory {
  const { names, placement, removalPolicy } = inputs;
  const format = props.inventoryFormat ?? s3.InventoryFormat.PARQUET;
  const retention = props.inventoryRetention ?? Duration.days(DEFAULT_INVENTORY_RETENTION_DAYS);
  const configurationId = names.inventoryConfigurationId;
  const primary = { bucket: inputs.primary.bucket, bucketName: names.primaryBucket };
  const replica = { bucket: inputs.replica.bucket, bucketName: names.replicaBucket };
  const opsHere = inputs.opsBucket;
  let replicaOpsBucket: s3.Bucket | undefined;
  if (placement.separateStack) {
    replicaOpsBucket = opsBucket(placement.separateStack, 'OpsBucket', {
      bucketName: names.replicaOpsBucket,
      removalPolicy,
      accessLogsBucket: inputs.replicaAccessLogs,
      lifecycleRules: [
        {
          id: 'expire-old-versions',
          noncurrentVersionExpiration: Duration.days(1),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
    });
    new InventoryReports(pair, 'Inventory', {
      configurationId,
      format,
      sources: [primary],
      destination: opsHere,
      retention,
    });
    new InventoryReports(placement.separateStack, 'Inventory', {
      configurationId,
      format,
      sources: [replica],
      destination: replicaOpsBucket,
      retention,
    });
  } else {
    new InventoryReports(pair, 'Inventory', {
      configurationId,
      format,
      sources: [primary, replica],
      destination: opsHere,
      retention,
    });
  }
  const locations = {
    primary: inventoryLocation(names.opsBucket, names.primaryBucket, configurationId),
    replica: inventoryLocation(
      replicaOpsBucket ? names.replicaOpsBucket : names.opsBucket,
      names.replicaBucket,
      configurationId,
    ),
  };
  const tables = new AthenaInventoryTables(pair, 'InventoryTables', {
    workgroupName: names.athenaWorkgroup,
    databaseName: names.glueDatabase,
    resultsBucket: opsHere,
    bytesScannedCutoff: (props.athenaBytesScannedCutoff ?? Size.tebibytes(1)).toBytes(),
    format,
    tables: [
      { name: INVENTORY_TABLES.primary, location: locations.primary },
      // A vault's reports stay in the vault's ops bucket, which no principal of the primary's account
      // may read (Athena reads them as the querying principal): no replica table there.
      ...(placement.vault ? [] : [{ name: INVENTORY_TABLES.replica, location: locations.replica }]),
    ],
  });
  return { tables, locations, replicaOpsBucket };
}
