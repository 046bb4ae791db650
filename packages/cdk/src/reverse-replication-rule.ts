import { Arn, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { acknowledgeAwsCustomResourceProvider, acknowledgeBasicExecutionRole } from './nag';

export interface ReverseReplicationRuleProps {
  /** The bucket the rule is put on (the replica: it replicates back to the primary). */
  readonly sourceBucketName: string;
  /** Region of that bucket. */
  readonly sourceRegion: string;
  /** Role S3 assumes for this rule (see {@link ReplicationRole}). */
  readonly roleArn: string;
  readonly ruleId: string;
  /** ARN of the bucket replicas are written to (the primary). */
  readonly destinationBucketArn: string;
  /** Key the replicas are encrypted with in the destination (the primary's key). */
  readonly destinationKeyArn: string;
  /**
   * Name of the role the custom resource's function runs as. A known name lets the replica's
   * protection policy exempt it from its deny on replication changes.
   */
  readonly providerRoleName: string;
}

/**
 * The replica -> primary rule of two-way replication, with the same settings as the forward rule:
 * every object, RTC (15 minutes) with metrics, delete markers, replica-modification sync and
 * SSE-KMS objects. S3 checks when a rule is put that its destination bucket exists and is versioned
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-walkthrough-2.html), and the
 * replica bucket is created before the primary (the primary's own rule needs it): so this rule
 * cannot be part of the replica bucket's template. A custom resource puts it once the primary
 * exists, in the same `cdk deploy`, and removes it (DeleteBucketReplication) before the primary
 * bucket is deleted. The replica bucket's template declares no replication configuration, so a
 * later update of that bucket leaves the rule alone.
 */
export class ReverseReplicationRule extends Construct {
  readonly resource: cr.AwsCustomResource;

  constructor(scope: Construct, id: string, props: ReverseReplicationRuleProps) {
    super(scope, id);
    const sourceBucketArn = Arn.format(
      { service: 's3', region: '', account: '', resource: props.sourceBucketName },
      Stack.of(this),
    );
    const put: cr.AwsSdkCall = {
      service: 'S3',
      action: 'putBucketReplication',
      region: props.sourceRegion,
      parameters: {
        Bucket: props.sourceBucketName,
        ReplicationConfiguration: {
          Role: props.roleArn,
          Rules: [
            {
              ID: props.ruleId,
              Priority: 1,
              Status: 'Enabled',
              Filter: { Prefix: '' },
              DeleteMarkerReplication: { Status: 'Enabled' },
              SourceSelectionCriteria: {
                ReplicaModifications: { Status: 'Enabled' },
                SseKmsEncryptedObjects: { Status: 'Enabled' },
              },
              Destination: {
                Bucket: props.destinationBucketArn,
                EncryptionConfiguration: { ReplicaKmsKeyID: props.destinationKeyArn },
                ReplicationTime: { Status: 'Enabled', Time: { Minutes: 15 } },
                Metrics: { Status: 'Enabled', EventThreshold: { Minutes: 15 } },
              },
            },
          ],
        },
      },
      physicalResourceId: cr.PhysicalResourceId.of(`${props.sourceBucketName}/${props.ruleId}`),
    };
    // The function behind every AwsCustomResource of a stack is one: it runs as this role, whichever
    // AwsCustomResource of the stack is created first.
    const providerRole = new iam.Role(this, 'ProviderRole', {
      roleName: props.providerRoleName,
      description: 'Runs the custom resource that puts the reverse replication rule',
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      managedPolicies: [
        iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaBasicExecutionRole'),
      ],
    });
    acknowledgeBasicExecutionRole(providerRole);
    this.resource = new cr.AwsCustomResource(this, 'Resource', {
      role: providerRole,
      resourceType: 'Custom::S3ReverseReplicationRule',
      onCreate: put,
      onUpdate: put,
      onDelete: {
        service: 'S3',
        action: 'deleteBucketReplication',
        region: props.sourceRegion,
        parameters: { Bucket: props.sourceBucketName },
      },
      // Both calls need s3:PutReplicationConfiguration; naming a role in a rule needs iam:PassRole.
      // https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketReplication.html
      // https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucketReplication.html
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({
          actions: ['s3:PutReplicationConfiguration'],
          resources: [sourceBucketArn],
        }),
        new iam.PolicyStatement({ actions: ['iam:PassRole'], resources: [props.roleArn] }),
      ]),
      installLatestAwsSdk: false,
    });
    acknowledgeAwsCustomResourceProvider(this);
  }
}
