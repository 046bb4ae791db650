import { Match } from 'aws-cdk-lib/assertions';
import { DRILL_OUTPUT_KEYS, INVENTORY_OUTPUT_KEYS, OUTPUT_KEYS } from 's3-dr-naming';
import { synthTap } from '../support/tap';

describe('TapStack', () => {
  test('holds the replication infrastructure as a real nested stack', () => {
    const { top } = synthTap();
    top.resourceCountIs('AWS::CloudFormation::Stack', 1);
    top.resourceCountIs('AWS::S3::Bucket', 0);
  });

  test('publishes every documented output on the top-level stack, the inventory outputs included (inventory is on by default)', () => {
    const { top } = synthTap();
    expect(Object.keys(top.toJSON().Outputs).sort()).toEqual(
      [...Object.values(OUTPUT_KEYS), ...Object.values(INVENTORY_OUTPUT_KEYS)].sort(),
    );
  });

  test('with inventory false there are no inventory outputs', () => {
    const outputs = synthTap({ context: { inventory: 'false' } }).top.toJSON().Outputs;
    expect(Object.keys(outputs).sort()).toEqual(Object.values(OUTPUT_KEYS).sort());
  });

  test('the inventory outputs name the roots of both inventory configurations, the workgroup and the Glue database of the nested stack', () => {
    const outputs = synthTap().top.toJSON().Outputs;
    const joined = (v: unknown) => JSON.stringify(v);
    expect(joined(outputs.InventoryLocationPrimary.Value)).toBe(
      joined({
        'Fn::Join': [
          '',
          [
            's3://s3-dr-ops-dev-',
            { Ref: 'AWS::AccountId' },
            '/inventory/primary-bucket-dev-',
            { Ref: 'AWS::AccountId' },
            '/s3-dr-dev/',
          ],
        ],
      }),
    );
    expect(joined(outputs.InventoryLocationReplica.Value)).toContain('/inventory/replica-bucket-dev-');
    expect(joined(outputs.AthenaWorkgroup.Value)).toMatch(/Outputs\..*InventoryTablesWorkGroup/);
    expect(joined(outputs.GlueDatabase.Value)).toMatch(/Outputs\..*InventoryTablesDatabase/);
  });

  test('across regions the replica inventory location is the ops bucket of the replica region', () => {
    const outputs = synthTap({ context: { replicaRegion: 'us-west-2' } }).top.toJSON().Outputs;
    expect(JSON.stringify(outputs.InventoryLocationReplica.Value)).toContain('s3://replica-ops-dev-');
  });

  test('the inventory keys reach the pair: format, retention and scan limit', () => {
    const { nested } = synthTap({
      context: { inventoryFormat: 'CSV', inventoryRetentionDays: '30', athenaScanLimitGib: '100' },
    });
    nested.hasResourceProperties('AWS::S3::Bucket', {
      InventoryConfigurations: [Match.objectLike({ Destination: Match.objectLike({ Format: 'CSV' }) })],
    });
    nested.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: Match.arrayWith([Match.objectLike({ Id: 'expire-inventory-reports', ExpirationInDays: 30 })]),
      },
    });
    nested.hasResourceProperties('AWS::Athena::WorkGroup', {
      WorkGroupConfiguration: Match.objectLike({ BytesScannedCutoffPerQuery: 100 * 1024 ** 3 }),
    });
  });

  test('with drill it also publishes the id of the experiment template that s3-dr drill starts', () => {
    const outputs = synthTap({ context: { drill: 'true' } }).top.toJSON().Outputs;
    expect(JSON.stringify(outputs[DRILL_OUTPUT_KEYS.drillExperimentTemplateId].Value)).toMatch(
      /Outputs\..*DrillTemplate.*Id/,
    );
  });

  test('the rule-id and dashboard outputs are literal for a known region', () => {
    const outputs = synthTap().top.toJSON().Outputs;
    expect(outputs.ReplicationRuleId.Value).toBe('replicate-all-dev');
    expect(outputs.DashboardUrl.Value).toBe(
      'https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#dashboards:name=s3-replication-dashboard-dev',
    );
  });

  test('the bucket outputs point at the primary and replica buckets of the nested stack', () => {
    const outputs = synthTap().top.toJSON().Outputs;
    expect(JSON.stringify(outputs.PrimaryBucketArn.Value)).toMatch(/Outputs\..*PrimaryBucket.*Arn/);
    expect(JSON.stringify(outputs.ReplicaBucketArn.Value)).toMatch(/Outputs\..*ReplicaBucket.*Arn/);
    expect(JSON.stringify(outputs.PrimaryBucketUrl.Value)).toMatch(/^\{"Fn::Join":\["",\["s3:\/\/",/);
  });

  test('OpsBucketName and BatchRoleArn point at the ops bucket and the batch role of the nested stack', () => {
    const outputs = synthTap().top.toJSON().Outputs;
    expect(JSON.stringify(outputs.OpsBucketName.Value)).toMatch(/Outputs\..*BatchOperationsBucket/);
    expect(JSON.stringify(outputs.BatchRoleArn.Value)).toMatch(/Outputs\..*BatchOperationsRole.*Arn/);
  });

  test('alarmEmail reaches the pair: the address is subscribed to the alarm topic', () => {
    const { nested } = synthTap({ context: { alarmEmail: 'oncall@example.com' } });
    nested.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@example.com',
    });
  });

  test('uses the configured region', () => {
    const { stack } = synthTap({ context: { region: 'eu-central-1' } });
    expect(stack.region).toBe('eu-central-1');
  });

  test('tags every taggable resource with Environment and Project', () => {
    const { nested, top } = synthTap({ context: { environmentSuffix: 'qa' } });
    const expected = Match.arrayWith([
      { Key: 'Environment', Value: 'qa' },
      { Key: 'Project', Value: 's3-dr' },
    ]);
    for (const type of [
      'AWS::S3::Bucket',
      'AWS::KMS::Key',
      'AWS::IAM::Role',
      'AWS::SNS::Topic',
      'AWS::Logs::LogGroup',
    ]) {
      // CDK's auto-delete provider is a raw CfnResource that Tags.of cannot reach.
      const ours = Object.entries(nested.findResources(type)).filter(
        ([id]) => !id.startsWith('CustomS3AutoDelete'),
      );
      expect(ours.length).toBeGreaterThan(0);
      for (const [, resource] of ours) {
        expect(resource.Properties.Tags).toEqual(
          expect.arrayContaining([
            { Key: 'Environment', Value: 'qa' },
            { Key: 'Project', Value: 's3-dr' },
          ]),
        );
      }
    }
    top.hasResourceProperties('AWS::CloudFormation::Stack', { Tags: expected });
  });
});

describe('environmentSuffix', () => {
  test('prod renames every named resource', () => {
    const { nested, stack } = synthTap({ context: { environmentSuffix: 'prod' } });
    expect(stack.stackName).toBe('TapStackprod');
    const json = JSON.stringify(nested.toJSON());
    for (const name of [
      'primary-bucket-prod-',
      'replica-bucket-prod-',
      'access-logs-prod-',
      's3-replication-role-prod',
      'replicate-all-prod',
      'alias/s3-dr-primary-prod',
      'alias/s3-dr-replica-prod',
      'alias/s3-dr-alarms-prod',
      's3-replication-alarms-prod',
      's3-replication-latency-prod',
      's3-replication-failed-prod',
      's3-replication-dashboard-prod',
      '/aws/s3/replication/prod',
    ]) {
      expect(json).toContain(name);
    }
    expect(json).not.toMatch(/-dev\b|\/dev"/);
  });
});

describe('removalPolicy', () => {
  // What each policy does is the construct library's (packages/cdk/test/destroy.test.ts); here, that
  // the context key reaches it.
  const stateful = ['AWS::S3::Bucket', 'AWS::KMS::Key', 'AWS::Logs::LogGroup'];

  test('destroy (the default) deletes buckets, keys and logs with the stack', () => {
    const { nested } = synthTap();
    // allResources also fails when the stack has no resource of the type.
    for (const type of stateful) nested.allResources(type, { DeletionPolicy: 'Delete' });
  });

  test('retain keeps buckets, keys and logs', () => {
    const { nested } = synthTap({ context: { removalPolicy: 'retain' } });
    for (const type of stateful) nested.allResources(type, { DeletionPolicy: 'Retain' });
  });
});
