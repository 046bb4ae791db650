import { Arn, CfnOutput, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import {
  ACCESS_POINT_OUTPUT_KEYS,
  DRILL_OUTPUT_KEYS,
  INVENTORY_OUTPUT_KEYS,
  OUTPUT_KEYS,
  type OutputKey,
  VAULT_OUTPUT_KEYS,
} from 's3-dr-naming';
import type { TapConfig } from './config';
import { S3ReplicationStack } from './s3-replication-stack';

export interface TapStackProps extends StackProps {
  readonly config: TapConfig;
}

export const PROJECT_TAG = 's3-dr';

/**
 * The top-level stack `TapStack<suffix>`: holds the replication infrastructure as a nested stack
 * and publishes its outputs here, so `describe-stacks TapStack<suffix>` shows everything the
 * s3-dr CLI and pipelines need.
 */
export class TapStack extends Stack {
  readonly replication: S3ReplicationStack;

  constructor(scope: Construct, id: string, props: TapStackProps) {
    super(scope, id, props);
    const { config } = props;
    // CloudFormation's AWS::CloudWatch::Dashboard takes no Tags (cfn-lint E3002): leave it out.
    const tagOptions = { excludeResourceTypes: ['AWS::CloudWatch::Dashboard'] };

    this.replication = new S3ReplicationStack(this, 'S3Replication', {
      config,
      description: `s3-dr ${config.environmentSuffix}: S3 replication with RTC, monitoring and alerting`,
    });
    const r = this.replication.pair;
    // The replica's stack (another region) is not inside this one: tag it too.
    for (const scope of [this, ...(r.replicaStack ? [r.replicaStack] : [])]) {
      Tags.of(scope).add('Environment', config.environmentSuffix, tagOptions);
      Tags.of(scope).add('Project', PROJECT_TAG, tagOptions);
    }
    const region = this.region;
    const outputs: Record<OutputKey, { value: string; description: string }> = {
      [OUTPUT_KEYS.primaryBucketUrl]: {
        value: r.primary.bucket.s3UrlForObject(),
        description: 'Primary bucket',
      },
      [OUTPUT_KEYS.primaryBucketArn]: {
        value: r.primary.bucket.bucketArn,
        description: 'Primary bucket ARN',
      },
      [OUTPUT_KEYS.replicaBucketUrl]: {
        value: r.replicaStack ? `s3://${r.names.replicaBucket}` : r.replica.bucket.s3UrlForObject(),
        description: 'Replica bucket',
      },
      [OUTPUT_KEYS.replicaBucketArn]: {
        // Across regions by name: CloudFormation cannot reference another region's stack.
        value: r.replicaStack
          ? Arn.format({ service: 's3', region: '', account: '', resource: r.names.replicaBucket }, this)
          : r.replica.bucket.bucketArn,
        description: 'Replica bucket ARN',
      },
      [OUTPUT_KEYS.replicationRoleArn]: {
        value: r.replicationRole.role.roleArn,
        description: 'Role S3 assumes to replicate',
      },
      [OUTPUT_KEYS.replicationRuleId]: {
        value: r.names.replicationRuleId,
        description: 'Replication rule id (the RuleId metric dimension)',
      },
      [OUTPUT_KEYS.dashboardUrl]: {
        value: `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards:name=${r.names.dashboard}`,
        description: 'CloudWatch dashboard',
      },
      [OUTPUT_KEYS.alarmTopicArn]: {
        value: r.alarmTopic.topic.topicArn,
        description: 'SNS topic the alarms notify',
      },
      [OUTPUT_KEYS.replicaRegion]: {
        value: r.replicaRegion,
        description: 'Region of the replica bucket',
      },
      [OUTPUT_KEYS.opsBucketName]: {
        value: r.batchOperations.bucket.bucketName,
        description: 'Bucket for S3 Batch Operations manifests and completion reports',
      },
      [OUTPUT_KEYS.batchRoleArn]: {
        value: r.batchOperations.role.roleArn,
        description: 'Role S3 Batch Operations jobs run as (s3-dr backfill, restore --batch)',
      },
    };
    if (r.accessPoint) {
      new CfnOutput(this, ACCESS_POINT_OUTPUT_KEYS.multiRegionAccessPointArn, {
        value: r.accessPoint.arn,
        description: 'Multi-Region Access Point over both buckets (S3 Control and IAM name it by this ARN)',
      });
      new CfnOutput(this, ACCESS_POINT_OUTPUT_KEYS.multiRegionAccessPointAlias, {
        value: r.accessPoint.alias,
        description: 'Alias of the Multi-Region Access Point (what applications address)',
      });
    }
    if (r.vault) {
      // By name, in the vault's account: CloudFormation cannot reference another account's stack.
      const vaultRole = (roleName: string) =>
        Arn.format(
          {
            service: 'iam',
            region: '',
            account: config.replicaAccount,
            resource: 'role',
            resourceName: roleName,
          },
          this,
        );
      const vaultOutputs = {
        [VAULT_OUTPUT_KEYS.replicaAccount]: {
          value: config.replicaAccount as string,
          description: "The vault's account: the replica bucket, its key and TapStack<suffix>Replica",
        },
        [VAULT_OUTPUT_KEYS.vaultCanaryRoleArn]: {
          value: vaultRole(r.names.vaultCanaryRole),
          description: "The vault's read-only role the canary reads its probes' replicas through",
        },
        ...(config.vaultRecoveryRole
          ? {
              [VAULT_OUTPUT_KEYS.vaultRecoveryRoleArn]: {
                value: vaultRole(r.names.vaultRecoveryRole),
                description:
                  "The vault's recovery role (MFA; reads the vault, writes the primary): s3-dr restore --from replica",
              },
            }
          : {}),
      };
      for (const [key, { value, description }] of Object.entries(vaultOutputs)) {
        new CfnOutput(this, key, { value, description });
      }
    }
    if (r.pauseExperiment) {
      new CfnOutput(this, DRILL_OUTPUT_KEYS.drillExperimentTemplateId, {
        value: r.pauseExperiment.template.attrId,
        description: 'AWS FIS experiment template that pauses replication (s3-dr drill)',
      });
    }
    if (r.inventoryTables && r.inventoryLocations) {
      const inventoryOutputs = {
        [INVENTORY_OUTPUT_KEYS.inventoryLocationPrimary]: {
          value: r.inventoryLocations.primary,
          description: "Root of the primary bucket's S3 Inventory reports (s3-dr verify --inventory)",
        },
        [INVENTORY_OUTPUT_KEYS.inventoryLocationReplica]: {
          value: r.inventoryLocations.replica,
          description:
            "Root of the replica bucket's S3 Inventory reports, in an ops bucket of the replica's region",
        },
        [INVENTORY_OUTPUT_KEYS.athenaWorkgroup]: {
          value: r.inventoryTables.workgroup.ref,
          description: 'Athena workgroup the inventory queries run in',
        },
        [INVENTORY_OUTPUT_KEYS.glueDatabase]: {
          value: r.inventoryTables.database.ref,
          description: 'Glue database with one table per bucket over its inventory reports',
        },
      };
      for (const [key, { value, description }] of Object.entries(inventoryOutputs)) {
        new CfnOutput(this, key, { value, description });
      }
    }
    for (const [key, { value, description }] of Object.entries(outputs)) {
      new CfnOutput(this, key, { value, description });
    }
  }
}
