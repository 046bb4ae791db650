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
