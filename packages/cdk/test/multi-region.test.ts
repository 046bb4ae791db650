import type { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ACCOUNT, type PairInStack, pairIn } from './support/pair';
import { onlyResource, roleStatements } from './support/template';
import { TemplateValues } from './support/template-values';

// The pair across regions (the primary in eu-west-1, the stack's region; the replica in us-west-2),
// with its Multi-Region Access Point, two-way replication and the reverse canary, and two-way in
// one region.

const PRIMARY = `primary-bucket-lib-${ACCOUNT}`;
const REPLICA = `replica-bucket-lib-${ACCOUNT}`;
const REPLICA_REGION = 'us-west-2';

interface AcrossRegions extends PairInStack {
  readonly replica: Template;
  /** Values of the primary's stack and of the replica's stack, resolved as deployed. */
  readonly values: TemplateValues;
  readonly replicaValues: TemplateValues;
}

function acrossRegions(props: Parameters<typeof pairIn>[0] = {}): AcrossRegions {
  const pair = pairIn({ replicaRegion: REPLICA_REGION, ...props });
  const replica = Template.fromStack(pair.pair.replicaStack as Stack);
  return {
    ...pair,
    replica,
    values: new TemplateValues(pair.template, { account: ACCOUNT, region: 'eu-west-1' }),
    replicaValues: new TemplateValues(replica, { account: ACCOUNT, region: REPLICA_REGION }),
  };
}

/** The statement with this Sid of the role named `roleName`, resolved. */
function statement(
  values: TemplateValues,
  template: Template,
  roleName: string,
  sid: string,
): Record<string, any> {
  const found = roleStatements(template, roleName).find((s) => s.Sid === sid);
  if (!found) throw new Error(`no statement ${sid} on ${roleName}`);
  return values.resolve(found);
}

/**
 * A custom resource's Create/Update/Delete call as CloudFormation will pass it: the partition as
 * `aws`, an attribute `Fn::GetAtt [Id, Attr]` as `<Id>`.
 */
function sdkCall(resource: Record<string, any>, phase: 'Create' | 'Update' | 'Delete'): string {
  const value = resource.Properties[phase];
  if (value === undefined || typeof value === 'string') return value ?? '';
  return value['Fn::Join'][1]
    .map((p: any) => {
      if (typeof p === 'string') return p;
      if (p.Ref === 'AWS::Partition') return 'aws';
      if (p['Fn::GetAtt']) return `<${p['Fn::GetAtt'][0]}>`;
      throw new Error(`unexpected token ${JSON.stringify(p)} in ${phase}`);
    })
    .join('');
}

const keysOf = (region: string) => `arn:aws:kms:${region}:${ACCOUNT}:key/*`;
/** The replica key's ARN as the lookup finds it at deploy time (support/template-values.ts). */
const REPLICA_KEY_ARN = `arn:aws:kms:${REPLICA_REGION}:${ACCOUNT}:key/<alias/s3-dr-replica-lib>`;
const viaS3 = (region: string) => `s3.${region}.amazonaws.com`;

describe('GIVEN the replica in another region (one-way, with the default access point)', () => {
  let x: AcrossRegions;
  beforeAll(() => {
    x = acrossRegions({ alarmEmail: 'oncall@example.com' });
  });

  test('THEN the replica bucket, its key and its own access-log bucket are in the replica stack only', () => {
    onlyResource(x.replica, 'AWS::S3::Bucket', { BucketName: REPLICA });
    onlyResource(x.replica, 'AWS::S3::Bucket', { BucketName: `replica-logs-lib-${ACCOUNT}` });
    onlyResource(x.replica, 'AWS::KMS::Alias', { AliasName: 'alias/s3-dr-replica-lib' });
    expect(x.template.findResources('AWS::S3::Bucket', { Properties: { BucketName: REPLICA } })).toEqual({});
    expect(
      x.template.findResources('AWS::KMS::Alias', { Properties: { AliasName: 'alias/s3-dr-replica-lib' } }),
    ).toEqual({});
  });

  // Server access logs must go to a bucket in the source bucket's region.
  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html
  test("THEN the replica's server access logs go to the log bucket of its own region", () => {
    const [logsId] = onlyResource(x.replica, 'AWS::S3::Bucket', {
      BucketName: `replica-logs-lib-${ACCOUNT}`,
    });
    const [, bucket] = onlyResource(x.replica, 'AWS::S3::Bucket', { BucketName: REPLICA });
    expect(bucket.Properties.LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: logsId },
      LogFilePrefix: 'replica/',
    });
  });

  // AWS recommends a key ARN in the rule: an alias names whatever key it is moved to.
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-s3-bucket-encryptionconfiguration.html
  test('THEN the forward rule names the replica bucket by ARN and its key by the key ARN the replica alias names at deploy time', () => {
    const [, primary] = onlyResource(x.template, 'AWS::S3::Bucket', { BucketName: PRIMARY });
    const rule = x.values.resolve<any>(primary.Properties.ReplicationConfiguration.Rules[0]);
    expect(rule.Destination.Bucket).toBe(`arn:aws:s3:::${REPLICA}`);
    expect(rule.Destination.EncryptionConfiguration).toEqual({ ReplicaKmsKeyID: REPLICA_KEY_ARN });
  });

  test('THEN the replica key ARN is looked up from its alias in the replica region, again whenever the key resource may have changed', () => {
    const [, lookup] = onlyResource(x.template, 'Custom::S3DrKeyArn');
    const replicaKeyId = Object.keys(x.replica.findResources('AWS::KMS::Key'))[0];
    expect(lookup.Properties).toMatchObject({
      Alias: 'alias/s3-dr-replica-lib',
      Region: REPLICA_REGION,
      KeyGeneration: `ConsumerReplica/${replicaKeyId}`,
    });
  });

  test("THEN the role encrypts replicas only with that key, by ARN, through S3 of the replica's region", () => {
    const encrypt = statement(x.values, x.template, 's3-replication-role-lib', 'EncryptReplicas');
    expect({ ...encrypt, Action: [...encrypt.Action].sort() }).toEqual({
      Sid: 'EncryptReplicas',
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
      Resource: REPLICA_KEY_ARN,
      Condition: {
        StringEquals: { 'kms:ViaService': viaS3(REPLICA_REGION) },
        StringLike: {
          'kms:EncryptionContext:aws:s3:arn': [`arn:aws:s3:::${REPLICA}`, `arn:aws:s3:::${REPLICA}/*`],
        },
      },
    });
  });

  test("THEN the role decrypts sources through S3 of the primary's region, with the primary key itself", () => {
    const decrypt = statement(x.values, x.template, 's3-replication-role-lib', 'DecryptSourceObjects');
    expect(decrypt.Condition.StringEquals).toEqual({ 'kms:ViaService': viaS3('eu-west-1') });
    expect(decrypt.Resource).toMatch(/^arn:aws:kms:eu-west-1:\d+:key\/key-DrPrimaryKey/);
    expect(decrypt.Condition['ForAnyValue:StringEquals']).toBeUndefined();
  });

  test("THEN the canary reads replicated probes with the replica's key by ARN, through S3 of the replica's region", () => {
    const [, policy] = onlyResource(x.template, 'AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'DecryptReplicatedProbes' })]) },
    });
    const decrypt = x.values.resolve<any>(
      policy.Properties.PolicyDocument.Statement.find(
        (s: { Sid?: string }) => s.Sid === 'DecryptReplicatedProbes',
      ),
    );
    expect(decrypt.Resource).toBe(REPLICA_KEY_ARN);
    expect(decrypt.Condition).toEqual({
      StringEquals: {
        'kms:ViaService': viaS3(REPLICA_REGION),
        'kms:EncryptionContext:aws:s3:arn': `arn:aws:s3:::${REPLICA}`,
      },
    });
  });

  // Replication metrics are published in the source bucket's region.
  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/repl-metrics.html
  test('THEN the replication alarms stay with the primary, where S3 publishes the forward metrics', () => {
    onlyResource(x.template, 'AWS::CloudWatch::Alarm', { AlarmName: 's3-replication-latency-lib' });
    expect(
      Object.values(x.replica.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties.AlarmName),
    ).toEqual(['s3-replication-tamper-lib', 's3-replication-alert-path-lib']);
  });

  test('THEN one-way has no reverse role, rule or canary', () => {
    expect(
      x.replica.findResources('AWS::IAM::Role', {
        Properties: { RoleName: 's3-replication-reverse-role-lib' },
      }),
    ).toEqual({});
    expect(x.template.findResources('Custom::S3ReverseReplicationRule')).toEqual({});
    expect(
      x.template.findResources('AWS::Lambda::Function', {
        Properties: { FunctionName: 's3-replication-canary-back-lib' },
      }),
    ).toEqual({});
  });

  test("THEN each region has its own tamper rule, for its own bucket, notifying its own region's topic with the e-mail subscribed", () => {
    const [, primaryRule] = onlyResource(x.template, 'AWS::Events::Rule', { Name: 's3-dr-tamper-lib' });
    const [replicaTopicId] = onlyResource(x.replica, 'AWS::SNS::Topic', {
      TopicName: 's3-replication-alarms-lib',
    });
    const [, replicaRule] = onlyResource(x.replica, 'AWS::Events::Rule', { Name: 's3-dr-tamper-lib' });
    expect(JSON.stringify(primaryRule.Properties.EventPattern)).toContain(PRIMARY);
    expect(JSON.stringify(primaryRule.Properties.EventPattern)).not.toContain(REPLICA);
    expect(JSON.stringify(replicaRule.Properties.EventPattern)).toContain(REPLICA);
    expect(replicaRule.Properties.Targets).toEqual([
      expect.objectContaining({ Arn: { Ref: replicaTopicId } }),
    ]);
    onlyResource(x.replica, 'AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com' });
  });

  test("THEN the replica's protection policy is in the replica stack and, with an access point, lets applications write objects", () => {
    const denied = x.replicaValues
      .policyStatements('AWS::S3::BucketPolicy')
      .filter((st) => st.Effect === 'Deny')
      .flatMap((st) => [st.Action].flat());
    expect(denied).toContain('s3:DeleteObjectVersion');
    expect(denied).not.toContain('s3:PutObject');
  });

  describe('THEN the Multi-Region Access Point', () => {
    test('is over both buckets, with all public access blocked, after the primary bucket', () => {
      const [, mrap] = onlyResource(x.template, 'AWS::S3::MultiRegionAccessPoint');
      expect(mrap.Properties).toEqual({
        Name: 's3-dr-lib',
        Regions: [{ Bucket: PRIMARY }, { Bucket: REPLICA }],
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
      });
      const [primaryId] = onlyResource(x.template, 'AWS::S3::Bucket', { BucketName: PRIMARY });
      expect(mrap.DependsOn).toContain(primaryId);
    });

    // Routing is not part of the CloudFormation resource; a new access point is active/active.
    // https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_SubmitMultiRegionAccessPointRoutes.html
    // What the routes resource does with these is tested with its handler (lambda/access-point-routes).
    test('is routed active/passive by a resource carrying its alias: primary (eu-west-1) active, replica passive, through a failover-control region', () => {
      const [mrapId] = onlyResource(x.template, 'AWS::S3::MultiRegionAccessPoint');
      const [, routes] = onlyResource(x.template, 'Custom::S3AccessPointRoutes');
      expect(routes.Properties).toMatchObject({
        Alias: { 'Fn::GetAtt': [mrapId, 'Alias'] },
        ControlRegion: 'eu-west-1',
        ActiveBucket: PRIMARY,
        ActiveRegion: 'eu-west-1',
        PassiveBucket: REPLICA,
        PassiveRegion: REPLICA_REGION,
      });
    });
  });
});

test('GIVEN multiRegionAccessPoint false across regions THEN there is no access point and nothing routes one', () => {
  const { template } = pairIn({ replicaRegion: REPLICA_REGION, multiRegionAccessPoint: false });
  template.resourceCountIs('AWS::S3::MultiRegionAccessPoint', 0);
  template.resourceCountIs('Custom::S3AccessPointRoutes', 0);
});

describe('GIVEN two-way across regions', () => {
  let x: AcrossRegions;
  beforeAll(() => {
    x = acrossRegions({ bidirectional: true, alarmEmail: 'oncall@example.com' });
  });

  test('THEN the reverse role lives in the replica stack, trusted by S3, reads only the replica and writes only to the primary', () => {
    const [, role] = onlyResource(x.replica, 'AWS::IAM::Role', {
      RoleName: 's3-replication-reverse-role-lib',
    });
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 's3.amazonaws.com' } },
    ]);
    const of = (sid: string) => statement(x.replicaValues, x.replica, 's3-replication-reverse-role-lib', sid);
    expect(of('ReadSourceObjectVersions').Resource).toBe(`arn:aws:s3:::${REPLICA}/*`);
    expect(of('WriteReplicas').Resource).toBe(`arn:aws:s3:::${PRIMARY}/*`);
  });

  test("THEN the reverse role's KMS conditions name each key's own region, and the primary key by its alias", () => {
    const of = (sid: string) => statement(x.replicaValues, x.replica, 's3-replication-reverse-role-lib', sid);
    expect(of('DecryptSourceObjects').Condition.StringEquals).toEqual({
      'kms:ViaService': viaS3(REPLICA_REGION),
    });
    const encrypt = of('EncryptReplicas');
    expect(encrypt.Resource).toBe(keysOf('eu-west-1'));
    expect(encrypt.Condition.StringEquals).toEqual({ 'kms:ViaService': viaS3('eu-west-1') });
    expect(encrypt.Condition['ForAnyValue:StringEquals']).toEqual({
      'kms:ResourceAliases': 'alias/s3-dr-primary-lib',
    });
  });

  test('THEN the reverse rule is put on the replica bucket, in its region, with the guarantees of the forward rule (RTC, delete markers, replica modifications, SSE-KMS)', () => {
    const [, rule] = onlyResource(x.template, 'Custom::S3ReverseReplicationRule');
    const create = JSON.parse(sdkCall(rule, 'Create'));
    expect(create.action).toBe('putBucketReplication');
    expect(create.region).toBe(REPLICA_REGION);
    expect(create.parameters.Bucket).toBe(REPLICA);
    const config = create.parameters.ReplicationConfiguration;
    expect(config.Role).toMatch(/:iam::111122223333:role\/s3-replication-reverse-role-lib$/);
    expect(config.Rules).toEqual([
      {
        ID: 'replicate-back-lib',
        Priority: 1,
        Status: 'Enabled',
        Filter: { Prefix: '' },
        DeleteMarkerReplication: { Status: 'Enabled' },
        SourceSelectionCriteria: {
          ReplicaModifications: { Status: 'Enabled' },
          SseKmsEncryptedObjects: { Status: 'Enabled' },
        },
        Destination: {
          Bucket: expect.stringMatching(/^<DrPrimaryBucket\w+>$/),
          EncryptionConfiguration: { ReplicaKmsKeyID: expect.stringMatching(/^<DrPrimaryKey\w+>$/) },
          ReplicationTime: { Status: 'Enabled', Time: { Minutes: 15 } },
          Metrics: { Status: 'Enabled', EventThreshold: { Minutes: 15 } },
        },
      },
    ]);
  });

  test('THEN the reverse rule is updated in place and removed on delete (DeleteBucketReplication)', () => {
    const [, rule] = onlyResource(x.template, 'Custom::S3ReverseReplicationRule');
    expect(sdkCall(rule, 'Update')).toBe(sdkCall(rule, 'Create'));
    expect(JSON.parse(sdkCall(rule, 'Delete'))).toMatchObject({
      action: 'deleteBucketReplication',
      region: REPLICA_REGION,
    });
  });

  test('THEN its custom resource may put the replication configuration of the replica bucket and pass the reverse role, nothing else', () => {
    const [, policy] = onlyResource(x.template, 'AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Action: 's3:PutReplicationConfiguration' })]),
      },
    });
    expect(x.values.resolve(policy.Properties.PolicyDocument.Statement)).toEqual([
      { Action: 's3:PutReplicationConfiguration', Effect: 'Allow', Resource: `arn:aws:s3:::${REPLICA}` },
      {
        Action: 'iam:PassRole',
        Effect: 'Allow',
        Resource: `arn:aws:iam::${ACCOUNT}:role/s3-replication-reverse-role-lib`,
      },
    ]);
  });

  test("THEN that custom resource runs as a named role the replica's protection exempts from its configuration deny", () => {
    onlyResource(x.template, 'AWS::IAM::Role', { RoleName: 's3-dr-reverse-rule-lib' });
    const configurationDeny = x.replicaValues
      .policyStatements('AWS::S3::BucketPolicy')
      .find((st) => st.Effect === 'Deny' && [st.Action].flat().includes('s3:PutReplicationConfiguration'));
    expect(JSON.stringify(configurationDeny.Condition)).toContain(':role/s3-dr-reverse-rule-lib');
  });

  test('THEN on destroy the reverse rule goes before the primary is emptied', () => {
    const [, rule] = onlyResource(x.template, 'Custom::S3ReverseReplicationRule');
    const [primaryId] = onlyResource(x.template, 'AWS::S3::Bucket', { BucketName: PRIMARY });
    const [emptyId] = onlyResource(x.template, 'Custom::S3AutoDeleteObjects', {
      BucketName: { Ref: primaryId },
    });
    expect(rule.DependsOn).toContain(emptyId);
  });

  test("THEN the reverse rule's alarms are in the replica region, on its metrics, notifying a topic of that region with the e-mail subscribed", () => {
    const [topicId] = onlyResource(x.replica, 'AWS::SNS::Topic', { TopicName: 's3-replication-alarms-lib' });
    for (const [name, metric] of [
      ['s3-replication-reverse-latency-lib', 'ReplicationLatency'],
      ['s3-replication-reverse-failed-lib', 'OperationsFailedReplication'],
    ]) {
      const [, alarm] = onlyResource(x.replica, 'AWS::CloudWatch::Alarm', { AlarmName: name });
      expect(alarm.Properties.MetricName).toBe(metric);
      expect(alarm.Properties.Dimensions).toEqual(
        expect.arrayContaining([
          { Name: 'SourceBucket', Value: REPLICA },
          { Name: 'DestinationBucket', Value: PRIMARY },
          { Name: 'RuleId', Value: 'replicate-back-lib' },
        ]),
      );
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
      expect(alarm.Properties.OKActions).toEqual([{ Ref: topicId }]);
    }
    onlyResource(x.replica, 'AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com' });
  });

  test("THEN the dashboard shows the reverse rule's metrics from the replica region", () => {
    const [, dashboard] = onlyResource(x.template, 'AWS::CloudWatch::Dashboard');
    const parts = dashboard.Properties.DashboardBody['Fn::Join'][1] as unknown[];
    const widgets: { properties: Record<string, any> }[] = JSON.parse(
      parts.map((p) => (typeof p === 'string' ? p : 'X')).join(''),
    ).widgets;
    const reverse = widgets.filter((w) => JSON.stringify(w).includes('replicate-back-lib'));
    expect(reverse.map((w) => w.properties.title)).toEqual([
      'Reverse replication (replica -> primary) latency (seconds, maximum)',
      'Reverse replication operations failed (sum)',
      'Reverse replication pending (operations and bytes, maximum)',
    ]);
    const metrics = reverse.flatMap((w) => w.properties.metrics as unknown[][]);
    expect(metrics).toHaveLength(4);
    for (const metric of metrics) expect(metric.at(-1)).toMatchObject({ region: REPLICA_REGION });
  });

  describe('THEN the reverse canary', () => {
    test('writes probes to the replica under _s3-dr/canary-back/ and waits for them in the primary', () => {
      const [, fn] = onlyResource(x.template, 'AWS::Lambda::Function', {
        FunctionName: 's3-replication-canary-back-lib',
      });
      expect(fn.Properties.Environment.Variables).toEqual({
        PRIMARY_BUCKET: REPLICA,
        REPLICA_BUCKET: { Ref: expect.stringMatching(/^DrPrimaryBucket/) },
        CANARY_PREFIX: '_s3-dr/canary-back/',
      });
    });

    test("may write only its own probes in the replica, encrypting with the replica's key by ARN in the replica region", () => {
      const [, policy] = onlyResource(x.template, 'AWS::IAM::ManagedPolicy', {
        Description: 'Permissions of s3-replication-canary-back-lib',
      });
      // (The log statement names the log group, which the resolver does not know: left out.)
      const bySid = Object.fromEntries(
        policy.Properties.PolicyDocument.Statement.filter(
          (st: { Sid?: string }) => st.Sid !== 'WriteOwnLogs',
        ).map((st: { Sid: string }) => [st.Sid, x.values.resolve<any>(st)]),
      );
      expect(bySid.WriteReadRetireProbesInPrimary.Resource).toBe(
        `arn:aws:s3:::${REPLICA}/_s3-dr/canary-back/*`,
      );
      expect(bySid.EncryptProbes.Resource).toBe(REPLICA_KEY_ARN);
      expect(bySid.EncryptProbes.Condition).toEqual({
        StringEquals: {
          'kms:ViaService': viaS3(REPLICA_REGION),
          'kms:EncryptionContext:aws:s3:arn': `arn:aws:s3:::${REPLICA}`,
        },
      });
      expect(bySid.DecryptReplicatedProbes.Condition.StringEquals['kms:ViaService']).toBe(viaS3('eu-west-1'));
    });

    test("has a composite alarm that notifies the primary's topic and is on the dashboard", () => {
      const [alarmId, alarm] = onlyResource(x.template, 'AWS::CloudWatch::CompositeAlarm', {
        AlarmName: 's3-replication-canary-back-lib',
      });
      const [topicId] = onlyResource(x.template, 'AWS::SNS::Topic', {
        TopicName: 's3-replication-alarms-lib',
      });
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
      const [, dashboard] = onlyResource(x.template, 'AWS::CloudWatch::Dashboard');
      expect(JSON.stringify(dashboard.Properties.DashboardBody)).toContain(alarmId);
    });
  });
});

describe('GIVEN two-way in one region', () => {
  let template: Template;
  let replicaStack: Stack | undefined;
  beforeAll(() => {
    const pair = pairIn({ bidirectional: true });
    template = pair.template;
    replicaStack = pair.pair.replicaStack;
  });

  test('THEN the reverse role, rule and alarms are all in the one stack, and there is no access point', () => {
    onlyResource(template, 'AWS::IAM::Role', { RoleName: 's3-replication-reverse-role-lib' });
    onlyResource(template, 'Custom::S3ReverseReplicationRule');
    onlyResource(template, 'AWS::CloudWatch::Alarm', { AlarmName: 's3-replication-reverse-latency-lib' });
    expect(replicaStack).toBeUndefined();
    template.resourceCountIs('AWS::S3::MultiRegionAccessPoint', 0);
  });

  // S3 checks, when a rule is put, that its destination exists and is versioned.
  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-walkthrough-2.html
  test('THEN the reverse rule waits for the replica bucket and the reverse role', () => {
    const [, rule] = onlyResource(template, 'Custom::S3ReverseReplicationRule');
    const [replicaId] = onlyResource(template, 'AWS::S3::Bucket', { BucketName: REPLICA });
    const [roleId] = onlyResource(template, 'AWS::IAM::Role', {
      RoleName: 's3-replication-reverse-role-lib',
    });
    expect(rule.DependsOn).toEqual(expect.arrayContaining([replicaId, roleId]));
  });

  test("THEN the dashboard shows both directions, and both directions' alarms", () => {
    const [, dashboard] = onlyResource(template, 'AWS::CloudWatch::Dashboard');
    const body = JSON.stringify(dashboard.Properties.DashboardBody);
    expect(body).toContain('Reverse replication operations failed');
    const [latencyId] = onlyResource(template, 'AWS::CloudWatch::Alarm', {
      AlarmName: 's3-replication-reverse-latency-lib',
    });
    expect(body).toContain(latencyId);
  });
});
