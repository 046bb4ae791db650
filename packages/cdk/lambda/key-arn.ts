/**
 * Custom resource that names a KMS key of another region by its ARN, looked up from its alias
 * (DescribeKey) at deploy time. A replication rule and the grants that name the key by this ARN
 * keep naming that one key, whereas an alias names whatever key it is moved to later; AWS
 * recommends a key ARN in a replication rule ("If you use a KMS key alias instead, then AWS KMS
 * resolves the key within the requester's account").
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-s3-bucket-encryptionconfiguration.html
 * https://docs.aws.amazon.com/kms/latest/APIReference/API_DescribeKey.html
 *
 * Create and Update look the key up (the resource is updated when the key may have changed, see
 * KeyArnLookup); Delete does nothing. A key that is not Enabled fails the deploy, naming its state:
 * a rule naming it would fail every replication.
 */
import { DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';

/** The custom resource's properties (CloudFormation passes every value as a string). */
export interface KeyArnProperties {
  /** `alias/...` */
  readonly Alias: string;
  readonly Region: string;
}

export interface KeyArnEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: KeyArnProperties;
}

export interface KeyArnResult {
  readonly PhysicalResourceId: string;
  readonly Data?: { readonly KeyArn: string };
}

export async function onEvent(event: KeyArnEvent, kms: (region: string) => KMSClient): Promise<KeyArnResult> {
  const { Alias: alias, Region: region } = event.ResourceProperties;
  const physicalId = event.PhysicalResourceId ?? `${region}/${alias}`;
  if (event.RequestType === 'Delete') return { PhysicalResourceId: physicalId };
  const { KeyMetadata: key } = await kms(region).send(new DescribeKeyCommand({ KeyId: alias }));
  if (!key?.Arn) throw new Error(`DescribeKey of ${alias} in ${region} returned no key ARN`);
  if (key.KeyState !== 'Enabled') {
    throw new Error(
      `${alias} in ${region} names key ${key.Arn}, which is ${key.KeyState}: replicas cannot be encrypted with it; enable it (or cancel its deletion) and deploy again`,
    );
  }
  return { PhysicalResourceId: physicalId, Data: { KeyArn: key.Arn } };
}

/** Entry point behind aws-cdk-lib's custom resource provider, which answers CloudFormation. */
export async function handler(event: KeyArnEvent): Promise<KeyArnResult> {
  return onEvent(event, (region) => new KMSClient({ region }));
}
