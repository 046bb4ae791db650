import { BootstraplessSynthesizer, DefaultStackSynthesizer, Fn, Stack, Token } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * The principal CloudFormation acts as when it deploys the stack that holds `scope`: the CDK
 * bootstrap's CloudFormation execution role (`cdk-<qualifier>-cfn-exec-role-<account>-<region>`,
 * qualifier `hnb659fds` unless changed), as the stack's synthesizer names it. `cdk deploy` passes
 * that role to CloudFormation, which then creates, updates and deletes every resource (nested
 * stacks included) with it.
 * https://docs.aws.amazon.com/cdk/v2/guide/bootstrapping-env.html
 *
 * Undefined when the synthesizer names no such role (CliCredentialsStackSynthesizer,
 * LegacyStackSynthesizer, BootstraplessSynthesizer): CloudFormation then acts with whatever
 * credentials start the deployment, which cannot be known at synth time.
 */
export function cloudFormationExecutionRoleArn(scope: IConstruct): string | undefined {
  let stack = Stack.of(scope);
  // A nested stack is deployed by CloudFormation with its parent's role.
  while (stack.nestedStackParent) stack = stack.nestedStackParent;
  const synthesizer = stack.synthesizer;
  if (!(synthesizer instanceof DefaultStackSynthesizer) || synthesizer instanceof BootstraplessSynthesizer) {
    return undefined;
  }
  const arn = synthesizer.cloudFormationExecutionRoleArn;
  // Environment-agnostic stacks keep ${AWS::AccountId} / ${AWS::Region} / ${AWS::Partition}
  // placeholders: Fn::Sub turns them into the values of the stack being deployed.
  return !Token.isUnresolved(arn) && arn.includes('${') ? Fn.sub(arn) : arn;
}

/** What an IAM role ARN must look like: `arn:<partition>:iam::<12-digit account>:role/<path/name>`. */
export const ROLE_ARN_RULE = 'an IAM role ARN such as arn:aws:iam::123456789012:role/s3-dr-break-glass';
const ROLE_ARN_PATTERN = /^arn:aws(?:-[a-z]+)*:iam::\d{12}:role\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;

export function isValidRoleArn(value: string): boolean {
  return ROLE_ARN_PATTERN.test(value);
}
