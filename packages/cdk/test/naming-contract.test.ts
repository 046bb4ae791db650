import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { ObjectLockRetention } from 'aws-cdk-lib/aws-s3';
import { deploymentNames } from 's3-dr-naming';
import { S3ReplicationPair } from '../src';
import { physicalNames } from './support/physical-names';

// Every name the pair gives its resources is a name of the naming contract (s3-dr-naming), whose
// own tests show that no two suffixes share one; and every name of the contract is used, so the
// s3-dr CLI never looks for a resource the pair does not create.

const ACCOUNT = '123456789012';

describe('GIVEN a two-way pair across regions with an access point, a drill and RemovalPolicy.RETAIN (every resource the pair can create)', () => {
  const app = new App();
  const stack = new Stack(app, 'Consumer', { env: { account: ACCOUNT, region: 'eu-west-1' } });
  const pair = new S3ReplicationPair(stack, 'Dr', {
    environmentSuffix: 'lib',
    replicaRegion: 'us-east-1',
    bidirectional: true,
    drill: true,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  // Object Lock on the replica excludes two-way: what only it creates comes from a second pair.
  const locked = new Stack(new App(), 'Locked', { env: { account: ACCOUNT, region: 'eu-west-1' } });
  new S3ReplicationPair(locked, 'Dr', {
    environmentSuffix: 'lib',
    replicaObjectLock: ObjectLockRetention.governance(Duration.days(1)),
    removalPolicy: RemovalPolicy.RETAIN,
  });
  // A vault (a replica in another account, with its recovery role) gives the names only it has; its
  // replica-side buckets carry the vault's account, so only its account-free names are compared.
  const vaultApp = new App();
  const vaultPrimary = new Stack(vaultApp, 'Vaulted', { env: { account: ACCOUNT, region: 'eu-west-1' } });
  const vaultPair = new S3ReplicationPair(vaultPrimary, 'Dr', {
    environmentSuffix: 'lib',
    replicaAccount: '222222222222',
    vaultRecoveryRole: true,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  const templates = [stack, pair.replicaStack as Stack].map((s) => Template.fromStack(s));
  const found = templates.map(physicalNames);
  const inLocked = physicalNames(Template.fromStack(locked));
  const inVault = [vaultPrimary, vaultPair.replicaStack as Stack].map((s) =>
    physicalNames(Template.fromStack(s)),
  );
  const vaultOnly = deploymentNames('lib', ACCOUNT, '222222222222');
  const given = [...found, inLocked, ...inVault].flatMap((f) => f.named.map(({ name }) => name));
  const { stack: _stack, replicaStack: _replicaStack, ...contract } = deploymentNames('lib', ACCOUNT);
  const vaultContract = new Set(Object.values(vaultOnly));

  test('THEN every resource with a name of its own is of a kind this test reads', () => {
    expect([...found, inLocked, ...inVault].flatMap((f) => f.unknown)).toEqual([]);
  });

  test('THEN every name it gives is a name of the naming contract', () => {
    const contractNames = new Set(Object.values(contract));
    expect(given.filter((name) => !contractNames.has(name) && !vaultContract.has(name))).toEqual([]);
  });

  test('THEN every name of the naming contract is given to a resource', () => {
    expect(Object.entries(contract).filter(([, name]) => !given.includes(name))).toEqual([]);
  });

  test('THEN the replica stack is the top-level stack name followed by Replica (as replicaStackName)', () => {
    expect(pair.replicaStack?.stackName).toBe('ConsumerReplica');
  });

  test('THEN synth says which named resources cdk destroy keeps and how to deploy the suffix again', () => {
    Annotations.fromStack(stack).hasInfo(
      '/Consumer/Dr',
      'removalPolicy RETAIN: cdk destroy keeps the buckets primary-bucket-lib-123456789012, replica-bucket-lib-123456789012, ' +
        'access-logs-lib-123456789012, replica-logs-lib-123456789012, s3-dr-ops-lib-123456789012, replica-ops-lib-123456789012, ' +
        'the log group /aws/s3/replication/lib and the KMS keys that encrypt them (the kept data needs those keys). ' +
        'While these exist, deploying suffix \'lib\' again fails on their names ("already exists"). ' +
        'To deploy again, either choose a new environmentSuffix (and copy what you need from the kept buckets), ' +
        'or import them: cdk deploy --import-existing-resources, synthesized with the account so that the names are static, ' +
        'then run CloudFormation drift detection on them, as AWS recommends after an import ' +
        '(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/import-resources-automatically.html); ' +
        'or delete them once their data is no longer needed.',
    );
  });

  test('THEN the message names every named resource cdk destroy keeps, and no other', () => {
    const kept = found.flatMap((f) =>
      f.named.filter((n) => n.deletionPolicy === 'Retain').map((n) => n.name),
    );
    const message = Annotations.fromStack(stack).findInfo('/Consumer/Dr', Match.stringLikeRegexp('RETAIN'))[0]
      .entry.data as string;
    const listed = /keeps the buckets (.*), the log group (\S+) and/.exec(message);
    expect([...(listed?.[1].split(', ') ?? []), listed?.[2]].sort()).toEqual(kept.sort());
  });
});
