import { join } from 'node:path';
import { CustomResource, CustomResourceProvider, CustomResourceProviderRuntime, Stack } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { keyGrant } from './key-reference';
import { acknowledgeBasicExecutionRole, acknowledgeWildcards } from './nag';

export interface KeyArnLookupProps {
  /** Alias (`alias/...`) of the key, in `region` of this stack's account. */
  readonly aliasName: string;
  readonly region: string;
  /**
   * A value that changes whenever the key behind the alias may have changed, so that the lookup
   * runs again: {@link keyGenerationOf} the key, when it is defined in another stack of the app.
   */
  readonly keyGeneration: string;
}

/**
 * The ARN of a KMS key of another region, looked up from its alias at deploy time
 * (lambda/key-arn.ts), for what must name that one key: a replication rule's replica key and the
 * grants to use it. CloudFormation values do not cross regions, and a key's id is random, so the
 * ARN is not known at synth time.
 */
export class KeyArnLookup extends Construct {
  /** `arn:<partition>:kms:<region>:<account>:key/<id>`, a deploy-time value. */
  readonly keyArn: string;

  constructor(scope: Construct, id: string, props: KeyArnLookupProps) {
    super(scope, id);
    const provider = CustomResourceProvider.getOrCreateProvider(this, KEY_ARN_RESOURCE_TYPE, {
      codeDirectory: join(__dirname, '..', 'assets', 'key-arn'),
      runtime: CustomResourceProviderRuntime.NODEJS_24_X,
      description: 'Looks up the ARN of a KMS key of another region from its alias',
    });
    // DescribeKey is authorized against the key, never the alias: the keys of that region and
    // account, narrowed to the one carrying the alias.
    const grant = keyGrant(this, { aliasName: props.aliasName, region: props.region });
    provider.addToRolePolicy({
      Effect: 'Allow',
      Action: 'kms:DescribeKey',
      Resource: grant.resource,
      Condition: grant.aliasCondition,
    });
    acknowledgeBasicExecutionRole(
      provider,
      "aws-cdk-lib's custom resource provider writes its own logs with the AWS managed basic execution policy; its only other permission is DescribeKey on the key carrying one alias.",
    );
    acknowledgeWildcards(
      provider,
      [grant.resource],
      'DescribeKey by alias: the statement covers the keys of that region and account, narrowed by kms:ResourceAliases to the one key carrying the alias.',
    );
    const lookup = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: KEY_ARN_RESOURCE_TYPE,
      properties: { Alias: props.aliasName, Region: props.region, KeyGeneration: props.keyGeneration },
    });
    this.keyArn = lookup.getAttString('KeyArn');
  }
}

const KEY_ARN_RESOURCE_TYPE = 'Custom::S3DrKeyArn';

/**
 * What identifies a key defined in a stack: that stack's name and the key's logical id. CloudFormation
 * never replaces a key in place (an update of KeySpec, KeyUsage, Origin or MultiRegion fails instead),
 * so another key behind the alias means another logical id or stack, and a new value here.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-kms-key.html
 */
export function keyGenerationOf(key: kms.Key): string {
  const stack = Stack.of(key);
  return `${stack.stackName}/${stack.getLogicalId(key.node.defaultChild as kms.CfnKey)}`;
}
