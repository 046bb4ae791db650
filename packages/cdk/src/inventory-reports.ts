import { Arn, type Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { INVENTORY_PREFIX } from 's3-dr-naming';

/**
 * The inventory fields beyond bucket, key and (all versions) version id, is-latest and
 * delete-marker that `s3-dr verify --inventory` compares or reports: what replicated and how, and
 * the Object Lock state of each version.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_InventoryConfiguration.html (OptionalFields)
 */
export const INVENTORY_OPTIONAL_FIELDS = [
  'Size',
  'LastModifiedDate',
  'ETag',
  'StorageClass',
  'ReplicationStatus',
  'IsMultipartUploaded',
  'EncryptionStatus',
  'ObjectLockMode',
  'ObjectLockRetainUntilDate',
  'ObjectLockLegalHoldStatus',
  'ChecksumAlgorithm',
];

/** A bucket to inventory, and its name (the destination policy names it without referencing it). */
export interface InventorySource {
  readonly bucket: s3.Bucket;
  readonly bucketName: string;
}

export interface InventoryReportsProps {
  /** The `<config-ID>` of the report paths, the same on every source bucket. */
  readonly configurationId: string;
  readonly format: s3.InventoryFormat;
  /** Buckets to inventory, all in the destination's region (S3 requires it). */
  readonly sources: InventorySource[];
  /** The ops bucket of their region: reports go under `inventory/`. */
  readonly destination: s3.Bucket;
  /** How long reports are kept (the destination's lifecycle for `inventory/`). */
  readonly retention: Duration;
}

/**
 * A daily S3 Inventory of every version of each source bucket, delivered to an ops bucket of the same
 * region under `inventory/<source bucket>/<configuration id>/`, and the destination policy S3 needs
 * to write there.
 *
 * "The destination bucket must be in the same AWS Region as the source bucket"
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketInventoryConfiguration.html): a
 * replica in another region needs an ops bucket of its own there.
 */
export class InventoryReports extends Construct {
  constructor(scope: Construct, id: string, props: InventoryReportsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const { destination } = props;
    // By reference, not the Bucket itself: given a Bucket, aws-cdk-lib adds a destination policy of
    // its own without aws:SourceAccount and the ACL condition; the one below is AWS's.
    const destinationRef = s3.Bucket.fromBucketAttributes(this, 'Destination', {
      bucketArn: destination.bucketArn,
      bucketName: destination.bucketName,
    });
    for (const { bucket } of props.sources) {
      bucket.addInventory({
        inventoryId: props.configurationId,
        enabled: true,
        frequency: s3.InventoryFrequency.DAILY,
        includeObjectVersions: s3.InventoryObjectVersion.ALL,
        format: props.format,
        optionalFields: INVENTORY_OPTIONAL_FIELDS,
        destination: { bucket: destinationRef, prefix: INVENTORY_PREFIX, bucketOwner: stack.account },
      });
    }
    // The destination bucket policy of "Granting permissions for S3 Inventory and S3 analytics"
    // (https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-bucket-policies.html#example-bucket-policies-s3-inventory-1,
    // configure-inventory.html#configure-inventory-destination-bucket-policy): S3 may put objects
    // under the prefix only for these source buckets of this account, giving the bucket owner control.
    destination.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowS3InventoryDelivery',
        effect: iam.Effect.ALLOW,
        principals: [new iam.ServicePrincipal('s3.amazonaws.com')],
        actions: ['s3:PutObject'],
        resources: [destination.arnForObjects(`${INVENTORY_PREFIX}/*`)],
        conditions: {
          ArnLike: {
            'aws:SourceArn': props.sources.map((source) =>
              // By name: the policy must not wait for (or depend on) the source buckets.
              Arn.format({ service: 's3', region: '', account: '', resource: source.bucketName }, stack),
            ),
          },
          StringEquals: {
            'aws:SourceAccount': stack.account,
            's3:x-amz-acl': 'bucket-owner-full-control',
          },
        },
      }),
    );
    destination.addLifecycleRule({
      id: 'expire-inventory-reports',
      prefix: `${INVENTORY_PREFIX}/`,
      expiration: props.retention,
    });
  }
}
