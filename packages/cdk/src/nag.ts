import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Acknowledges the cdk-nag finding `AwsSolutions-IAM5[Resource::<arn>]` for each object ARN
 * (`bucket/*`, `bucket/prefix/*`) granted on `construct`. Object-level S3 actions only exist on
 * object ARNs, so such a wildcard is the narrowest grant there is.
 */
export function acknowledgeObjectWildcards(
  construct: IConstruct,
  objectArns: string[],
  reason: string,
): void {
  acknowledgeWildcards(construct, objectArns, reason);
}

/** Acknowledges `AwsSolutions-IAM5[Resource::<arn>]` for each wildcard ARN granted on `construct`. */
export function acknowledgeWildcards(construct: IConstruct, arns: string[], reason: string): void {
  for (const arn of arns) {
    Validations.of(construct).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagFindingValue(construct, arn)}]`,
      reason,
    });
  }
}

/**
 * A value as cdk-nag prints it in a finding id: tokens resolved, `{Ref: X}` as `<X>`,
 * `{Fn::GetAtt: [A, B]}` as `<A.B>`, `Fn::Join` concatenated.
 */
function nagFindingValue(scope: IConstruct, value: string): string {
  const render = (node: unknown): string => {
    if (typeof node === 'string') return node;
    const o = node as Record<string, any>;
    if (o.Ref) return `<${o.Ref}>`;
    if (o['Fn::GetAtt']) return `<${o['Fn::GetAtt'].join('.')}>`;
    if (o['Fn::Join']) return (o['Fn::Join'][1] as unknown[]).map(render).join(o['Fn::Join'][0]);
    return JSON.stringify(node);
  };
  return render(Stack.of(scope).resolve(value));
}

/**
 * Acknowledges cdk-nag's IAM4 on the one Lambda function that runs every `AwsCustomResource` of a
 * stack (aws-cdk-lib's, not ours): its role carries AWSLambdaBasicExecutionRole to write its own
 * logs; what it may do beyond that is exactly the statements each custom resource gives it.
 */
export function acknowledgeAwsCustomResourceProvider(scope: IConstruct): void {
  const provider = Stack.of(scope).node.tryFindChild(AWS_CUSTOM_RESOURCE_PROVIDER_ID);
  if (provider) acknowledgeBasicExecutionRole(provider);
}

/** Acknowledges IAM4 for AWSLambdaBasicExecutionRole on a custom-resource provider's role. */
export function acknowledgeBasicExecutionRole(
  scope: IConstruct,
  reason = "aws-cdk-lib's AwsCustomResource provider writes its own logs with the AWS managed basic execution policy; its other permissions are the custom resources' own statements.",
): void {
  Validations.of(scope).acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason,
  });
}

/** The construct id aws-cdk-lib gives the singleton function behind AwsCustomResource. */
const AWS_CUSTOM_RESOURCE_PROVIDER_ID = 'AWS679f53fac002430cb0da5b7982bd2287';
