import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { TemplateValues } from './template-values';

function template(build: (stack: Stack) => void): Template {
  const stack = new Stack(new App(), 'Values', { env: { account: '111122223333', region: 'eu-west-1' } });
  build(stack);
  return Template.fromStack(stack);
}

const DEPLOYMENT = { account: '111122223333', region: 'eu-west-1' };

test('pseudo parameters, Fn::Join and Fn::Sub resolve to the deployment they name', () => {
  const values = new TemplateValues(
    template((stack) => new s3.Bucket(stack, 'Any')),
    { ...DEPLOYMENT, partition: 'aws-us-gov' },
  );
  expect(
    values.resolve({ 'Fn::Join': [':', ['arn', { Ref: 'AWS::Partition' }, { Ref: 'AWS::Region' }]] }),
  ).toBe('arn:aws-us-gov:eu-west-1');
  // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub placeholders
  expect(values.resolve({ 'Fn::Sub': 'role-${AWS::AccountId}-${AWS::Region}' })).toBe(
    'role-111122223333-eu-west-1',
  );
});

test('a role and a bucket resolve to the ARNs of their names, or of their logical ids when unnamed', () => {
  let bucketId = '';
  let roleId = '';
  let unnamedId = '';
  const t = template((stack) => {
    const bucket = new s3.Bucket(stack, 'Bucket', { bucketName: 'my-bucket' });
    const role = new iam.Role(stack, 'Named', {
      roleName: 'named',
      assumedBy: new iam.AccountRootPrincipal(),
    });
    const unnamed = new iam.Role(stack, 'Unnamed', { assumedBy: new iam.AccountRootPrincipal() });
    bucketId = stack.getLogicalId(bucket.node.defaultChild as s3.CfnBucket);
    roleId = stack.getLogicalId(role.node.defaultChild as iam.CfnRole);
    unnamedId = stack.getLogicalId(unnamed.node.defaultChild as iam.CfnRole);
  });
  const values = new TemplateValues(t, DEPLOYMENT);
  expect(values.resolve({ 'Fn::GetAtt': [bucketId, 'Arn'] })).toBe('arn:aws:s3:::my-bucket');
  expect(values.roleArn(roleId)).toBe('arn:aws:iam::111122223333:role/named');
  expect(values.roleArn(unnamedId)).toBe(`arn:aws:iam::111122223333:role/${unnamedId}`);
});

test('an intrinsic or attribute it does not know is refused', () => {
  const values = new TemplateValues(
    template((stack) => new s3.Bucket(stack, 'Any')),
    DEPLOYMENT,
  );
  expect(() => values.resolve({ 'Fn::ImportValue': 'x' })).toThrow('cannot resolve Fn::ImportValue');
  expect(() => values.resolve({ Ref: 'Missing' })).toThrow('no resource Missing in the template');
});
