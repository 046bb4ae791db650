import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ActivePassiveAccessPoint } from '../src';
import { onlyResource } from './support/template';

// The access point on its own, as a library user composing a pair would add it.

const ACCOUNT = '111122223333';

function accessPointIn(activeRegion = 'eu-west-1', passiveRegion = 'us-east-2'): Template {
  const stack = new Stack(new App(), 'Consumer', { env: { account: ACCOUNT, region: activeRegion } });
  new ActivePassiveAccessPoint(stack, 'AccessPoint', {
    name: 's3-dr-lib',
    active: { bucketName: 'primary', region: activeRegion },
    passive: { bucketName: 'replica', region: passiveRegion },
  });
  return Template.fromStack(stack);
}

const template = accessPointIn();
const [mrapId] = onlyResource(template, 'AWS::S3::MultiRegionAccessPoint');
const alias = { 'Fn::GetAtt': [mrapId, 'Alias'] };
const mrapArn = {
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:s3::${ACCOUNT}:accesspoint/`, alias]],
};

test('GIVEN an access point WHEN synthesized THEN its routes resource carries its alias, so CloudFormation updates it when a replacement brings a new one', () => {
  const [, routes] = onlyResource(template, 'Custom::S3AccessPointRoutes');
  expect(routes.Properties.Alias).toEqual(alias);
  expect(routes.Properties.Mrap).toEqual(mrapArn);
});

test('GIVEN an access point WHEN synthesized THEN the routes resource holds only the access point, its account, a control region and the two routes: nothing else a plain deploy could change', () => {
  const [, routes] = onlyResource(template, 'Custom::S3AccessPointRoutes');
  expect(routes.Properties).toEqual({
    ServiceToken: {
      'Fn::GetAtt': [expect.stringMatching(/^CustomS3AccessPointRoutesCustomResourceProvider/), 'Arn'],
    },
    AccountId: ACCOUNT,
    Mrap: mrapArn,
    Alias: alias,
    ControlRegion: 'eu-west-1',
    ActiveBucket: 'primary',
    ActiveRegion: 'eu-west-1',
    PassiveBucket: 'replica',
    PassiveRegion: 'us-east-2',
  });
});

test('GIVEN an access point WHEN synthesized THEN the routes function may read and submit the routes of this access point only', () => {
  const [, role] = onlyResource(template, 'AWS::IAM::Role');
  expect(role.Properties.Policies).toEqual([
    {
      PolicyName: 'Inline',
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: ['s3:GetMultiRegionAccessPointRoutes', 's3:SubmitMultiRegionAccessPointRoutes'],
            Resource: mrapArn,
          },
        ],
      },
    },
  ]);
});

test('GIVEN an access point WHEN synthesized THEN the routes function runs the pre-bundled handler on Node.js 24', () => {
  template.hasResourceProperties('AWS::Lambda::Function', {
    Runtime: 'nodejs24.x',
    Handler: '__entrypoint__.handler',
  });
});

test.each([
  ['the active region serves the failover controls', 'eu-west-1', 'us-east-2', 'eu-west-1'],
  ['only the passive region does', 'eu-central-1', 'us-west-2', 'us-west-2'],
  ['neither does', 'eu-central-1', 'eu-north-1', 'us-west-2'],
])('GIVEN %s WHEN synthesized THEN the routes go to %s -> %s via %s', (_, active, passive, control) => {
  const [, routes] = onlyResource(accessPointIn(active, passive), 'Custom::S3AccessPointRoutes');
  expect(routes.Properties.ControlRegion).toBe(control);
});
