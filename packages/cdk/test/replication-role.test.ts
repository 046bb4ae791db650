import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { ReplicationRole, type ReplicationRoleProps } from '../src';

// The replication role on its own, as a library user composing a pair would add it.

const SOURCE = 'arn:aws:s3:::primary';

type Statement = { Sid?: string; Action: string | string[]; Resource: unknown };

function statementsOf(props: Partial<ReplicationRoleProps>): Statement[] {
  const stack = new Stack(new App(), 'Consumer', { env: { account: '123456789012', region: 'eu-west-1' } });
  const key = (id: string) =>
    kms.Key.fromKeyArn(stack, id, `arn:aws:kms:eu-west-1:123456789012:key/${id.toLowerCase()}`);
  new ReplicationRole(stack, 'Role', {
    roleName: 'replication',
    sourceBucketArn: SOURCE,
    destinationBucketArn: 'arn:aws:s3:::replica',
    sourceKey: { key: key('Source') },
    destinationKey: { key: key('Replica') },
    ...props,
  });
  const [policy] = Object.values(Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy'));
  return policy?.Properties.PolicyDocument.Statement;
}

const actionsOf = (statements: Statement[]) => statements.flatMap((s) => [s.Action].flat());

test('GIVEN Object Lock on either bucket WHEN the role is built THEN it may read the retention and legal hold of the source versions only', () => {
  expect(statementsOf({ objectLock: true })).toContainEqual({
    Sid: 'ReadSourceObjectLock',
    Effect: 'Allow',
    Action: ['s3:GetObjectRetention', 's3:GetObjectLegalHold'],
    Resource: `${SOURCE}/*`,
  });
});

test('GIVEN no Object Lock WHEN the role is built THEN it may read no retention nor legal hold (least privilege)', () => {
  const actions = actionsOf(statementsOf({}));
  expect(actions).not.toContain('s3:GetObjectRetention');
  expect(actions).not.toContain('s3:GetObjectLegalHold');
});
