import { Match } from 'aws-cdk-lib/assertions';
import { onlyResource, type Synthesized, synthTap } from '../support/tap';

const account = { Ref: 'AWS::AccountId' };
const join = (...parts: unknown[]) => ({ 'Fn::Join': ['', parts] });
const bucketArn = (prefix: string) => join(`arn:aws:s3:::${prefix}-bucket-dev-`, account);
const viaS3 = (region: string) => join(`s3.${region}.`, { Ref: 'AWS::URLSuffix' });

/** The policy statement with this Sid in the only managed policy of the role named `roleName`. */
function statement(template: Synthesized['nested'], roleName: string, sid: string): Record<string, any> {
  const [, role] = onlyResource(template, 'AWS::IAM::Role', { RoleName: roleName });
  const policyId = role.Properties.ManagedPolicyArns[0].Ref;
  const policy = template.toJSON().Resources[policyId];
  const found = policy.Properties.PolicyDocument.Statement.find((s: { Sid: string }) => s.Sid === sid);
  if (!found) throw new Error(`no statement ${sid} on ${roleName}`);
  return found;
}

/** A custom resource's Create/Update/Delete call as CloudFormation will pass it, with tokens as text. */
function sdkCall(resource: Record<string, any>, phase: 'Create' | 'Update' | 'Delete'): string {
  const value = resource.Properties[phase];
  if (value === undefined) return '';
  return value['Fn::Join'][1].map((p: unknown) => (typeof p === 'string' ? p : JSON.stringify(p))).join('');
}

/** The dashboard's widgets, with every token as the text 'X'. */
function dashboardWidgets(template: Synthesized['nested']): Array<{ properties: Record<string, any> }> {
  const [, dashboard] = onlyResource(template, 'AWS::CloudWatch::Dashboard');
  const parts = dashboard.Properties.DashboardBody['Fn::Join'][1] as unknown[];
  return JSON.parse(parts.map((p) => (typeof p === 'string' ? p : 'X')).join('')).widgets;
}

describe('cross-region (replicaRegion differs from region)', () => {
  let app: Synthesized;
  beforeAll(() => {
    app = synthTap({ context: { replicaRegion: 'us-west-2' } });
  });

  test('the replica side is a stack of its own, TapStackdevReplica in the replica region', () => {
    const replicaStack = app.stack.replication.pair.replicaStack;
    expect(replicaStack?.stackName).toBe('TapStackdevReplica');
    expect(replicaStack?.region).toBe('us-west-2');
    expect(app.stack.region).toBe('us-east-1');
  });

  test('the primary stack depends on the replica stack, so deploy --all creates the replica first', () => {
    const replicaStack = app.stack.replication.pair.replicaStack;
    expect(app.stack.dependencies).toContain(replicaStack);
  });

  test('the replica bucket, its key and its own access-log bucket are in the replica stack only', () => {
    const replica = app.replica as Synthesized['nested'];
    onlyResource(replica, 'AWS::S3::Bucket', { BucketName: join('replica-bucket-dev-', account) });
    onlyResource(replica, 'AWS::S3::Bucket', { BucketName: join('replica-logs-dev-', account) });
    onlyResource(replica, 'AWS::KMS::Alias', { AliasName: 'alias/s3-dr-replica-dev' });
    expect(
      app.nested.findResources('AWS::S3::Bucket', {
        Properties: { BucketName: join('replica-bucket-dev-', account) },
      }),
    ).toEqual({});
    expect(
      app.nested.findResources('AWS::KMS::Alias', { Properties: { AliasName: 'alias/s3-dr-replica-dev' } }),
    ).toEqual({});
  });

  test("the replica's server access logs go to the bucket of its own region", () => {
    const replica = app.replica as Synthesized['nested'];
    const [logsId] = onlyResource(replica, 'AWS::S3::Bucket', {
      BucketName: join('replica-logs-dev-', account),
    });
    const [, bucket] = onlyResource(replica, 'AWS::S3::Bucket', {
      BucketName: join('replica-bucket-dev-', account),
    });
    expect(bucket.Properties.LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: logsId },
      LogFilePrefix: 'replica/',
    });
  });

  test('the forward rule names the replica bucket by ARN and its key by alias ARN in the replica region', () => {
    const [, primary] = onlyResource(app.nested, 'AWS::S3::Bucket', {
      BucketName: join('primary-bucket-dev-', account),
    });
    const rule = primary.Properties.ReplicationConfiguration.Rules[0];
    expect(rule.Destination.Bucket).toEqual(bucketArn('replica'));
    expect(rule.Destination.EncryptionConfiguration).toEqual({
      ReplicaKmsKeyID: join('arn:aws:kms:us-west-2:', account, ':alias/s3-dr-replica-dev'),
    });
  });

  test("the role encrypts replicas only with the key carrying the replica alias, through S3 of the replica's region", () => {
    expect(statement(app.nested, 's3-replication-role-dev', 'EncryptReplicas')).toEqual({
      Sid: 'EncryptReplicas',
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
      Resource: join('arn:aws:kms:us-west-2:', account, ':key/*'),
      Condition: {
        StringEquals: { 'kms:ViaService': viaS3('us-west-2') },
        StringLike: {
          'kms:EncryptionContext:aws:s3:arn': [
            bucketArn('replica'),
            join('arn:aws:s3:::replica-bucket-dev-', account, '/*'),
          ],
        },
        'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/s3-dr-replica-dev' },
      },
    });
  });

  test("the role decrypts sources through S3 of the primary's region, with the primary key itself", () => {
    const decrypt = statement(app.nested, 's3-replication-role-dev', 'DecryptSourceObjects');
    expect(decrypt.Condition.StringEquals).toEqual({ 'kms:ViaService': viaS3('us-east-1') });
    expect(decrypt.Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^PrimaryKey/), 'Arn'] });
    expect(decrypt.Condition['ForAnyValue:StringEquals']).toBeUndefined();
  });

  test("the canary reads replicated probes with the replica's key by alias, through S3 of the replica's region", () => {
    const [, policy] = onlyResource(app.nested, 'AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'DecryptReplicatedProbes' })]) },
    });
    const decrypt = policy.Properties.PolicyDocument.Statement.find(
      (s: { Sid: string }) => s.Sid === 'DecryptReplicatedProbes',
    );
    expect(decrypt.Resource).toEqual(join('arn:aws:kms:us-west-2:', account, ':key/*'));
    expect(decrypt.Condition).toEqual({
      StringEquals: {
        'kms:ViaService': viaS3('us-west-2'),
        'kms:EncryptionContext:aws:s3:arn': bucketArn('replica'),
      },
      'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/s3-dr-replica-dev' },
    });
  });

  test('the replication alarms stay with the primary, where S3 publishes the forward metrics', () => {
    onlyResource(app.nested, 'AWS::CloudWatch::Alarm', { AlarmName: 's3-replication-latency-dev' });
    expect(
      Object.values(app.replica?.findResources('AWS::CloudWatch::Alarm') ?? {}).map(
        (a) => a.Properties.AlarmName,
      ),
    ).toEqual(['s3-replication-tamper-dev']);
  });

  test('one-way, the replica stack has no reverse role and no reverse rule; its own alarm topic serves its tamper alarm', () => {
    expect(
      app.replica?.findResources('AWS::IAM::Role', {
        Properties: { RoleName: 's3-replication-reverse-role-dev' },
      }),
    ).toEqual({});
    expect(app.nested.findResources('Custom::S3ReverseReplicationRule')).toEqual({});
  });

  test('the outputs name the replica region and the replica bucket by name', () => {
    const outputs = app.top.toJSON().Outputs;
    expect(outputs.ReplicaRegion.Value).toBe('us-west-2');
    expect(outputs.ReplicaBucketArn.Value).toEqual(bucketArn('replica'));
    expect(outputs.ReplicaBucketUrl.Value).toEqual(join('s3://replica-bucket-dev-', account));
  });
});

describe('the Multi-Region Access Point', () => {
  let app: Synthesized;
  beforeAll(() => {
    app = synthTap({ context: { replicaRegion: 'eu-west-1' } });
  });

  test('is created by default across regions, over both buckets, with all public access blocked', () => {
    const [, mrap] = onlyResource(app.nested, 'AWS::S3::MultiRegionAccessPoint');
    expect(mrap.Properties).toEqual({
      Name: 's3-dr-dev',
      Regions: [
        { Bucket: join('primary-bucket-dev-', account) },
        { Bucket: join('replica-bucket-dev-', account) },
      ],
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    });
  });

  test('is created after the primary bucket', () => {
    const [primaryId] = onlyResource(app.nested, 'AWS::S3::Bucket', {
      BucketName: join('primary-bucket-dev-', account),
    });
    const [, mrap] = onlyResource(app.nested, 'AWS::S3::MultiRegionAccessPoint');
    expect(mrap.DependsOn).toContain(primaryId);
  });

  test('starts active/passive: primary 100, replica 0, submitted once on creation and never on update', () => {
    const [, routes] = onlyResource(app.nested, 'Custom::S3AccessPointInitialRoutes');
    const create = sdkCall(routes, 'Create');
    expect(create).toContain('"action":"submitMultiRegionAccessPointRoutes"');
    expect(create).toContain('"Region":"us-east-1","TrafficDialPercentage":100');
    expect(create).toContain('"Region":"eu-west-1","TrafficDialPercentage":0');
    expect(create).toMatch(
      /"Bucket":"primary-bucket-dev-.*","Region":"us-east-1","TrafficDialPercentage":100/,
    );
    expect(routes.Properties.Update).toBeUndefined();
    expect(routes.Properties.Delete).toBeUndefined();
  });

  test('the routes are submitted to a failover-control region (here the primary region, us-east-1)', () => {
    const [, routes] = onlyResource(app.nested, 'Custom::S3AccessPointInitialRoutes');
    expect(sdkCall(routes, 'Create')).toContain('"region":"us-east-1"');
  });

  test('the custom resource may submit routes for this access point only', () => {
    const [, policy] = onlyResource(app.nested, 'AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Action: 's3:SubmitMultiRegionAccessPointRoutes' })]),
      },
    });
    const [mrapId] = onlyResource(app.nested, 'AWS::S3::MultiRegionAccessPoint');
    expect(policy.Properties.PolicyDocument.Statement).toContainEqual({
      Action: 's3:SubmitMultiRegionAccessPointRoutes',
      Effect: 'Allow',
      Resource: join('arn:aws:s3::', account, ':accesspoint/', { 'Fn::GetAtt': [mrapId, 'Alias'] }),
    });
  });

  test('its ARN and alias are outputs of the top-level stack', () => {
    const outputs = app.top.toJSON().Outputs;
    expect(Object.keys(outputs)).toEqual(
      expect.arrayContaining(['MultiRegionAccessPointArn', 'MultiRegionAccessPointAlias']),
    );
  });

  test('multiRegionAccessPoint=false leaves it out, and its outputs', () => {
    const without = synthTap({ context: { replicaRegion: 'eu-west-1', multiRegionAccessPoint: 'false' } });
    without.nested.resourceCountIs('AWS::S3::MultiRegionAccessPoint', 0);
    without.nested.resourceCountIs('Custom::S3AccessPointInitialRoutes', 0);
    expect(Object.keys(without.top.toJSON().Outputs)).not.toContain('MultiRegionAccessPointArn');
  });

  test('the same-region default has none', () => {
    const same = synthTap();
    same.nested.resourceCountIs('AWS::S3::MultiRegionAccessPoint', 0);
    expect(Object.keys(same.top.toJSON().Outputs)).not.toContain('MultiRegionAccessPointAlias');
  });
});

describe('two-way across regions (bidirectional)', () => {
  let app: Synthesized;
  let replica: Synthesized['nested'];
  beforeAll(() => {
    app = synthTap({
      context: { replicaRegion: 'us-west-2', bidirectional: 'true', alarmEmail: 'oncall@example.com' },
    });
    replica = app.replica as Synthesized['nested'];
  });

  test('the reverse role lives in the replica stack, trusted by S3', () => {
    const [, role] = onlyResource(replica, 'AWS::IAM::Role', { RoleName: 's3-replication-reverse-role-dev' });
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 's3.amazonaws.com' } },
    ]);
  });

  test('the reverse role reads only the replica and writes only to the primary', () => {
    expect(
      statement(replica, 's3-replication-reverse-role-dev', 'ReadSourceObjectVersions').Resource,
    ).toEqual(join('arn:aws:s3:::replica-bucket-dev-', account, '/*'));
    expect(statement(replica, 's3-replication-reverse-role-dev', 'WriteReplicas').Resource).toEqual(
      join('arn:aws:s3:::primary-bucket-dev-', account, '/*'),
    );
  });

  test("the reverse role's KMS conditions name each key's own region", () => {
    const decrypt = statement(replica, 's3-replication-reverse-role-dev', 'DecryptSourceObjects');
    expect(decrypt.Condition.StringEquals).toEqual({ 'kms:ViaService': viaS3('us-west-2') });
    const encrypt = statement(replica, 's3-replication-reverse-role-dev', 'EncryptReplicas');
    expect(encrypt.Resource).toEqual(join('arn:aws:kms:us-east-1:', account, ':key/*'));
    expect(encrypt.Condition.StringEquals).toEqual({ 'kms:ViaService': viaS3('us-east-1') });
    expect(encrypt.Condition['ForAnyValue:StringEquals']).toEqual({
      'kms:ResourceAliases': 'alias/s3-dr-primary-dev',
    });
  });

  test('the reverse rule is put on the replica bucket, in its region, once the primary exists, with the same guarantees', () => {
    const [, rule] = onlyResource(app.nested, 'Custom::S3ReverseReplicationRule');
    const create = JSON.parse(
      sdkCall(rule, 'Create')
        .replace(/\{"Ref":"AWS::AccountId"\}/g, '123456789012')
        .replace(/\{"Fn::GetAtt":\["(\w+)","Arn"\]\}/g, '<$1>'),
    );
    expect(create.action).toBe('putBucketReplication');
    expect(create.region).toBe('us-west-2');
    expect(create.parameters.Bucket).toBe('replica-bucket-dev-123456789012');
    const config = create.parameters.ReplicationConfiguration;
    expect(config.Role).toBe('arn:aws:iam::123456789012:role/s3-replication-reverse-role-dev');
    expect(config.Rules).toEqual([
      {
        ID: 'replicate-back-dev',
        Priority: 1,
        Status: 'Enabled',
        Filter: { Prefix: '' },
        DeleteMarkerReplication: { Status: 'Enabled' },
        SourceSelectionCriteria: {
          ReplicaModifications: { Status: 'Enabled' },
          SseKmsEncryptedObjects: { Status: 'Enabled' },
        },
        Destination: {
          Bucket: expect.stringMatching(/^<PrimaryBucket\w+>$/),
          EncryptionConfiguration: { ReplicaKmsKeyID: expect.stringMatching(/^<PrimaryKey\w+>$/) },
          ReplicationTime: { Status: 'Enabled', Time: { Minutes: 15 } },
          Metrics: { Status: 'Enabled', EventThreshold: { Minutes: 15 } },
        },
      },
    ]);
  });

  test('the reverse rule is updated in place and removed on delete (DeleteBucketReplication)', () => {
    const [, rule] = onlyResource(app.nested, 'Custom::S3ReverseReplicationRule');
    expect(sdkCall(rule, 'Update')).toBe(sdkCall(rule, 'Create'));
    expect(
      JSON.parse(
        rule.Properties.Delete['Fn::Join'][1].map((p: unknown) => (typeof p === 'string' ? p : 'X')).join(''),
      ),
    ).toMatchObject({
      action: 'deleteBucketReplication',
      region: 'us-west-2',
    });
  });

  test('the custom resource may put the replication configuration of the replica bucket and pass the reverse role, nothing else', () => {
    const [, policy] = onlyResource(app.nested, 'AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Action: 's3:PutReplicationConfiguration' })]),
      },
    });
    expect(policy.Properties.PolicyDocument.Statement).toEqual([
      { Action: 's3:PutReplicationConfiguration', Effect: 'Allow', Resource: bucketArn('replica') },
      {
        Action: 'iam:PassRole',
        Effect: 'Allow',
        Resource: join('arn:aws:iam::', account, ':role/s3-replication-reverse-role-dev'),
      },
    ]);
  });

  test('on destroy the reverse rule goes before the primary is emptied', () => {
    const [ruleId, rule] = onlyResource(app.nested, 'Custom::S3ReverseReplicationRule');
    const [emptyId] = onlyResource(app.nested, 'Custom::S3AutoDeleteObjects', {
      BucketName: { Ref: Match.stringLikeRegexp('^PrimaryBucket') },
    });
    expect(ruleId).toBeDefined();
    expect(rule.DependsOn).toContain(emptyId);
  });

  test("the reverse rule's alarms are in the replica region, on its metrics, notifying a topic of that region", () => {
    const [topicId] = onlyResource(replica, 'AWS::SNS::Topic', { TopicName: 's3-replication-alarms-dev' });
    for (const [name, metric] of [
      ['s3-replication-reverse-latency-dev', 'ReplicationLatency'],
      ['s3-replication-reverse-failed-dev', 'OperationsFailedReplication'],
    ]) {
      const [, alarm] = onlyResource(replica, 'AWS::CloudWatch::Alarm', { AlarmName: name });
      expect(alarm.Properties.MetricName).toBe(metric);
      expect(alarm.Properties.Dimensions).toEqual(
        expect.arrayContaining([
          { Name: 'SourceBucket', Value: join('replica-bucket-dev-', account) },
          { Name: 'DestinationBucket', Value: join('primary-bucket-dev-', account) },
          { Name: 'RuleId', Value: 'replicate-back-dev' },
        ]),
      );
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
      expect(alarm.Properties.OKActions).toEqual([{ Ref: topicId }]);
    }
  });

  test("the replica region's topic has the alarm e-mail subscribed too", () => {
    onlyResource(replica, 'AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com' });
  });

  test("the dashboard shows the reverse rule's metrics from the replica region", () => {
    const widgets = dashboardWidgets(app.nested);
    const reverse = widgets.filter((w) => JSON.stringify(w).includes('replicate-back-dev'));
    expect(reverse.map((w) => w.properties.title)).toEqual([
      'Reverse replication (replica -> primary) latency (seconds, maximum)',
      'Reverse replication operations failed (sum)',
      'Reverse replication pending (operations and bytes, maximum)',
    ]);
    const metrics = reverse.flatMap((w) => w.properties.metrics as unknown[][]);
    expect(metrics).toHaveLength(4);
    for (const metric of metrics) expect(metric.at(-1)).toMatchObject({ region: 'us-west-2' });
  });
});

describe('protection across regions', () => {
  let app: Synthesized;
  let replica: Synthesized['nested'];
  beforeAll(() => {
    app = synthTap({ context: { replicaRegion: 'us-west-2', alarmEmail: 'oncall@example.com' } });
    replica = app.replica as Synthesized['nested'];
  });

  test("each region has its own tamper rule, for its own bucket, notifying its own region's topic", () => {
    const [, primaryRule] = onlyResource(app.nested, 'AWS::Events::Rule', { Name: 's3-dr-tamper-dev' });
    const [replicaTopicId] = onlyResource(replica, 'AWS::SNS::Topic', {
      TopicName: 's3-replication-alarms-dev',
    });
    const [, replicaRule] = onlyResource(replica, 'AWS::Events::Rule', { Name: 's3-dr-tamper-dev' });
    expect(JSON.stringify(primaryRule.Properties.EventPattern)).toContain('primary-bucket-dev-');
    expect(JSON.stringify(primaryRule.Properties.EventPattern)).not.toContain('replica-bucket-dev-');
    expect(JSON.stringify(replicaRule.Properties.EventPattern)).toContain('replica-bucket-dev-');
    expect(replicaRule.Properties.Targets).toEqual([
      expect.objectContaining({ Arn: { Ref: replicaTopicId } }),
    ]);
    onlyResource(replica, 'AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com' });
  });

  test("the replica's protection policy is in the replica stack and, with an access point, lets applications write objects", () => {
    const [, policy] = onlyResource(replica, 'AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: Match.arrayWith(['s3:DeleteObjectVersion']) }),
        ]),
      },
    });
    const denied = policy.Properties.PolicyDocument.Statement.filter(
      (st: { Effect: string }) => st.Effect === 'Deny',
    ).flatMap((st: { Action: string | string[] }) => [st.Action].flat());
    expect(denied).toContain('s3:DeleteObjectVersion');
    expect(denied).not.toContain('s3:PutObject');
  });

  test("two-way: the custom resource that puts the reverse rule runs as a named role the replica's policy exempts", () => {
    const twoWay = synthTap({ context: { replicaRegion: 'us-west-2', bidirectional: 'true' } });
    onlyResource(twoWay.nested, 'AWS::IAM::Role', { RoleName: 's3-dr-reverse-rule-dev' });
    const [, policy] = onlyResource(twoWay.replica as Synthesized['nested'], 'AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: Match.arrayWith(['s3:PutReplicationConfiguration']) }),
        ]),
      },
    });
    const configurationDeny = policy.Properties.PolicyDocument.Statement.find(
      (st: { Effect: string; Action: string[] }) =>
        st.Effect === 'Deny' && [st.Action].flat().includes('s3:PutReplicationConfiguration'),
    );
    expect(JSON.stringify(configurationDeny.Condition)).toContain(':role/s3-dr-reverse-rule-dev');
  });
});

describe('the reverse canary (two-way)', () => {
  let app: Synthesized;
  beforeAll(() => {
    app = synthTap({ context: { replicaRegion: 'us-west-2', bidirectional: 'true' } });
  });

  test('writes probes to the replica under _s3-dr/canary-back/ and waits for them in the primary', () => {
    const [, fn] = onlyResource(app.nested, 'AWS::Lambda::Function', {
      FunctionName: 's3-replication-canary-back-dev',
    });
    expect(fn.Properties.Environment.Variables).toEqual({
      PRIMARY_BUCKET: join('replica-bucket-dev-', account),
      REPLICA_BUCKET: { Ref: expect.stringMatching(/^PrimaryBucket/) },
      CANARY_PREFIX: '_s3-dr/canary-back/',
    });
  });

  test("may write only its own probes in the replica, encrypting with the replica's key by alias in the replica region", () => {
    const [, policy] = onlyResource(app.nested, 'AWS::IAM::ManagedPolicy', {
      Description: 'Permissions of s3-replication-canary-back-dev',
    });
    const bySid = Object.fromEntries(
      policy.Properties.PolicyDocument.Statement.map((st: { Sid: string }) => [st.Sid, st]),
    );
    expect(bySid.WriteReadRetireProbesInPrimary.Resource).toEqual(
      join('arn:aws:s3:::replica-bucket-dev-', account, '/_s3-dr/canary-back/*'),
    );
    expect(bySid.EncryptProbes.Resource).toEqual(join('arn:aws:kms:us-west-2:', account, ':key/*'));
    expect(bySid.EncryptProbes.Condition).toEqual({
      StringEquals: {
        'kms:ViaService': viaS3('us-west-2'),
        'kms:EncryptionContext:aws:s3:arn': bucketArn('replica'),
      },
      'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/s3-dr-replica-dev' },
    });
    expect(bySid.DecryptReplicatedProbes.Condition.StringEquals['kms:ViaService']).toEqual(
      viaS3('us-east-1'),
    );
  });

  test("its composite alarm notifies the primary's topic and is on the dashboard", () => {
    const [alarmId, alarm] = onlyResource(app.nested, 'AWS::CloudWatch::CompositeAlarm', {
      AlarmName: 's3-replication-canary-back-dev',
    });
    const [topicId] = onlyResource(app.nested, 'AWS::SNS::Topic', { TopicName: 's3-replication-alarms-dev' });
    expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
    const [, dashboard] = onlyResource(app.nested, 'AWS::CloudWatch::Dashboard');
    expect(JSON.stringify(dashboard.Properties.DashboardBody)).toContain(alarmId);
  });

  test('one-way has none', () => {
    const oneWay = synthTap({ context: { replicaRegion: 'us-west-2' } });
    expect(
      oneWay.nested.findResources('AWS::Lambda::Function', {
        Properties: { FunctionName: 's3-replication-canary-back-dev' },
      }),
    ).toEqual({});
  });
});

describe('two-way in one region', () => {
  let app: Synthesized;
  beforeAll(() => {
    app = synthTap({ context: { bidirectional: 'true' } });
  });

  test('the reverse role, rule and alarms are all in the nested stack', () => {
    onlyResource(app.nested, 'AWS::IAM::Role', { RoleName: 's3-replication-reverse-role-dev' });
    onlyResource(app.nested, 'Custom::S3ReverseReplicationRule');
    onlyResource(app.nested, 'AWS::CloudWatch::Alarm', { AlarmName: 's3-replication-reverse-latency-dev' });
    expect(app.replica).toBeUndefined();
  });

  test('the reverse rule waits for the replica bucket and the reverse role', () => {
    const [, rule] = onlyResource(app.nested, 'Custom::S3ReverseReplicationRule');
    const [replicaId] = onlyResource(app.nested, 'AWS::S3::Bucket', {
      BucketName: join('replica-bucket-dev-', account),
    });
    const [roleId] = onlyResource(app.nested, 'AWS::IAM::Role', {
      RoleName: 's3-replication-reverse-role-dev',
    });
    expect(rule.DependsOn).toEqual(expect.arrayContaining([replicaId, roleId]));
  });

  test("the dashboard shows both directions, and both directions' alarms", () => {
    const [, dashboard] = onlyResource(app.nested, 'AWS::CloudWatch::Dashboard');
    const body = JSON.stringify(dashboard.Properties.DashboardBody);
    expect(body).toContain('Reverse replication operations failed');
    const [latencyId] = onlyResource(app.nested, 'AWS::CloudWatch::Alarm', {
      AlarmName: 's3-replication-reverse-latency-dev',
    });
    expect(body).toContain(latencyId);
  });
});

describe('replicaArchiveClass', () => {
  test.each([
    [undefined, 'GLACIER'],
    ['GLACIER_IR', 'GLACIER_IR'],
    ['DEEP_ARCHIVE', 'DEEP_ARCHIVE'],
  ])('%s moves current and noncurrent replica versions to %s after 90 days', (setting, storageClass) => {
    const app = synthTap({ context: setting ? { replicaArchiveClass: setting } : {} });
    const [, replica] = onlyResource(app.nested, 'AWS::S3::Bucket', {
      BucketName: join('replica-bucket-dev-', account),
    });
    const rule = replica.Properties.LifecycleConfiguration.Rules.find(
      (r: { Id: string }) => r.Id === 'replica-to-glacier',
    );
    expect(rule.Transitions).toEqual([{ StorageClass: storageClass, TransitionInDays: 90 }]);
    expect(rule.NoncurrentVersionTransitions).toEqual([{ StorageClass: storageClass, TransitionInDays: 90 }]);
  });
});
