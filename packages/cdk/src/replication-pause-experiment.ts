import { Arn, Duration, Stack, Tags } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as fis from 'aws-cdk-lib/aws-fis';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { acknowledgeWildcards } from './nag';
import type { ReplicationMetrics } from './replication-metrics';

/**
 * The tag that marks a bucket as a target of the pause experiment; its value is the bucket's own
 * name, so that one deployment's experiment never selects another deployment's bucket. The FIS
 * action `aws:s3:bucket-pause-replication` "only supports targeting by tags".
 * https://docs.aws.amazon.com/fis/latest/userguide/fis-actions-reference.html#bucket-pause-replication
 */
export const PAUSE_TARGET_TAG = 's3-dr-pause-target';

/**
 * The longest pause one experiment may hold. `s3-dr drill` stops the experiment earlier (after its
 * `--fault-duration`); if the drill itself dies, FIS ends the action after this long and S3
 * resumes replication by itself.
 */
export const MAX_PAUSE = Duration.minutes(30);

/** One replication direction to pause: the source bucket and where its rule replicates to. */
export interface PausedDirection {
  /** Names the action in the template (`PauseForward`, `PauseBack`). */
  readonly id: string;
  readonly sourceBucket: s3.IBucket;
  /** The source bucket's name as the naming contract builds it: the bucket's own tag cannot refer to the bucket. */
  readonly sourceBucketName: string;
  readonly destinationBucketName: string;
  readonly destinationRegion: string;
}

export interface ReplicationPauseExperimentProps {
  /** The template's `Name` tag (FIS templates have no name of their own), `s3-dr-pause-replication-<suffix>`. */
  readonly templateName: string;
  readonly roleName: string;
  readonly guardAlarmName: string;
  /** The directions to pause: the forward rule, and the reverse one in a same-region two-way pair. */
  readonly directions: PausedDirection[];
  /** The forward rule's metrics: the stop condition watches its latency. */
  readonly metrics: ReplicationMetrics;
  readonly topic: sns.ITopic;
}

/**
 * An AWS FIS experiment template that pauses S3 replication (`aws:s3:bucket-pause-replication`)
 * for `s3-dr drill`: the game day's fault, started and stopped by the CLI, resumed by S3 when the
 * action ends. Its role has exactly the permissions the FIS action reference lists for the action
 * (https://docs.aws.amazon.com/fis/latest/userguide/fis-actions-reference.html#bucket-pause-replication),
 * narrowed as the FIS policy example shows: the replication-configuration calls only as pause
 * requests (`s3:isReplicationPauseRequest`), the pause only towards the destination's region
 * (`s3:destinationRegion`), on the paused buckets only
 * (https://docs.aws.amazon.com/fis/latest/userguide/security_iam_id-based-policy-examples.html#security-iam-policy-examples-s3).
 *
 * Its stop condition is an alarm of its own: replication further behind than the longest pause
 * explains (the pause plus the 15 minutes of RTC) means something beyond the drill is wrong, and
 * FIS stops the experiment.
 */
export class ReplicationPauseExperiment extends Construct {
  readonly template: fis.CfnExperimentTemplate;
  readonly role: iam.Role;
  readonly guardAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: ReplicationPauseExperimentProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.role = new iam.Role(this, 'Role', {
      roleName: props.roleName,
      description:
        's3-dr drill: AWS FIS pauses S3 replication with this role (aws:s3:bucket-pause-replication)',
      // Only FIS experiments of this account may assume it (confused-deputy protection).
      // https://docs.aws.amazon.com/fis/latest/userguide/getting-started-iam-service-role.html
      assumedBy: new iam.ServicePrincipal('fis.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: {
            'aws:SourceArn': Arn.format({ service: 'fis', resource: 'experiment', resourceName: '*' }, stack),
          },
        },
      }),
    });
    const bucketArns = props.directions.map((d) => d.sourceBucket.bucketArn);
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReplicationConfigurationForPausesOnly',
        actions: ['s3:GetReplicationConfiguration', 's3:PutReplicationConfiguration'],
        resources: bucketArns,
        conditions: { BoolIfExists: { 's3:isReplicationPauseRequest': 'true' } },
      }),
    );
    for (const direction of props.directions) {
      this.role.addToPolicy(
        new iam.PolicyStatement({
          sid: `PauseReplication${direction.id}`,
          actions: ['s3:PauseReplication'],
          resources: [direction.sourceBucket.bucketArn],
          conditions: { StringEquals: { 's3:destinationRegion': direction.destinationRegion } },
        }),
      );
    }
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'FindTargetsByTag',
        // Neither action supports resource-level permissions.
        // https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html
        // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsresourcegroupstaggingapi.html
        actions: ['s3:ListAllMyBuckets', 'tag:GetResources'],
        resources: ['*'],
      }),
    );
    acknowledgeWildcards(
      this.role,
      ['*'],
      'FIS finds the paused buckets by tag: s3:ListAllMyBuckets and tag:GetResources support no resource-level permissions.',
    );

    const allowedLagSeconds = MAX_PAUSE.toSeconds() + 15 * 60;
    this.guardAlarm = new cloudwatch.Alarm(this, 'Guard', {
      alarmName: props.guardAlarmName,
      alarmDescription: `s3-dr drill safeguard: replication is more than ${allowedLagSeconds} s behind (the longest drill pause plus RTC's 15 minutes). Stops the pause experiment.`,
      metric: props.metrics.latency(),
      threshold: allowedLagSeconds,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      // No datapoints while nothing replicates: not a reason to stop a drill.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.guardAlarm.addAlarmAction(new actions.SnsAction(props.topic));
    this.guardAlarm.addOkAction(new actions.SnsAction(props.topic));

    const targets: Record<string, fis.CfnExperimentTemplate.ExperimentTemplateTargetProperty> = {};
    const templateActions: Record<string, fis.CfnExperimentTemplate.ExperimentTemplateActionProperty> = {};
    for (const direction of props.directions) {
      Tags.of(direction.sourceBucket).add(PAUSE_TARGET_TAG, direction.sourceBucketName);
      const target = `${direction.id}Source`;
      targets[target] = {
        resourceType: 'aws:s3:bucket',
        resourceTags: { [PAUSE_TARGET_TAG]: direction.sourceBucketName },
        selectionMode: 'ALL',
      };
      templateActions[direction.id] = {
        actionId: 'aws:s3:bucket-pause-replication',
        description: `Pause replication from ${direction.sourceBucketName} to ${direction.destinationBucketName}`,
        parameters: {
          duration: `PT${MAX_PAUSE.toMinutes()}M`,
          region: direction.destinationRegion,
          destinationBuckets: direction.destinationBucketName,
        },
        targets: { Buckets: target },
      };
    }
    this.template = new fis.CfnExperimentTemplate(this, 'Template', {
      description: `s3-dr drill: pause S3 replication for at most ${MAX_PAUSE.toMinutes()} minutes (s3-dr drill stops it sooner)`,
      roleArn: this.role.roleArn,
      stopConditions: [{ source: 'aws:cloudwatch:alarm', value: this.guardAlarm.alarmArn }],
      targets,
      actions: templateActions,
      tags: { Name: props.templateName },
    });
  }
}
