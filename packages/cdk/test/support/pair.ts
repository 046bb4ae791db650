import { App, Stack, type StackProps } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { S3ReplicationPair, type S3ReplicationPairProps } from '../../src';

/** The account the library tests deploy to, so that ARNs read as they will be deployed. */
export const ACCOUNT = '111122223333';

export interface PairInStack {
  readonly app: App;
  readonly stack: Stack;
  readonly template: Template;
  readonly pair: S3ReplicationPair;
}

/**
 * The pair as a library user meets it: a plain Stack (eu-west-1, {@link ACCOUNT}) in an App with no
 * cdk.json context, suffix `lib` unless `props` says otherwise.
 */
export function pairIn(props: Partial<S3ReplicationPairProps>, stackProps: StackProps = {}): PairInStack {
  const app = new App();
  const stack = new Stack(app, 'Consumer', { env: { account: ACCOUNT, region: 'eu-west-1' }, ...stackProps });
  const pair = new S3ReplicationPair(stack, 'Dr', { environmentSuffix: 'lib', ...props });
  return { app, stack, template: Template.fromStack(stack), pair };
}

type Statement = Record<string, any>;

/** The statement with this Sid in the managed policies of `template`; fails when there is not one. */
export function statementBySid(template: Template, sid: string): Statement {
  const found = Object.values(template.findResources('AWS::IAM::ManagedPolicy')).flatMap((p) =>
    (p.Properties.PolicyDocument.Statement as Statement[]).filter((s) => s.Sid === sid),
  );
  if (found.length !== 1) throw new Error(`expected one statement ${sid}, found ${found.length}`);
  return found[0] as Statement;
}

/** Every action any managed policy of `template` grants. */
export function grantedActions(template: Template): string[] {
  return Object.values(template.findResources('AWS::IAM::ManagedPolicy')).flatMap((p) =>
    (p.Properties.PolicyDocument.Statement as Statement[]).flatMap((s) => [s.Action].flat()),
  );
}
