import {
  CreateAliasCommand,
  CreateKeyCommand,
  DisableKeyCommand,
  KMSClient,
  UpdateAliasCommand,
} from '@aws-sdk/client-kms';
import { motoEndpoint } from '../../../../test/support/moto';
import { type KeyArnEvent, onEvent } from '../../lambda/key-arn';

// The key ARN lookup against moto's KMS, in the replica's region.

const REGION = 'us-west-2';
const regions: string[] = [];
const kms = (region: string) => {
  regions.push(region);
  return new KMSClient({
    region,
    endpoint: motoEndpoint(),
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
};
const client = kms(REGION);

async function newKey(): Promise<{ id: string; arn: string }> {
  const { KeyMetadata } = await client.send(new CreateKeyCommand({ Description: 'replica key' }));
  return { id: KeyMetadata?.KeyId as string, arn: KeyMetadata?.Arn as string };
}

async function aliasedKey(): Promise<{ alias: string; arn: string; id: string }> {
  const key = await newKey();
  const alias = `alias/s3-dr-replica-${key.id.slice(0, 8)}`;
  await client.send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: key.id }));
  return { alias, ...key };
}

const event = (RequestType: KeyArnEvent['RequestType'], alias: string): KeyArnEvent => ({
  RequestType,
  ...(RequestType === 'Create' ? {} : { PhysicalResourceId: `${REGION}/${alias}` }),
  ResourceProperties: { Alias: alias, Region: REGION },
});

beforeEach(() => {
  regions.length = 0;
});

test('GIVEN the replica alias WHEN the lookup is created THEN it returns the ARN of the key the alias names, asked in the key region', async () => {
  const { alias, arn } = await aliasedKey();

  const result = await onEvent(event('Create', alias), kms);

  expect(result).toEqual({ PhysicalResourceId: `${REGION}/${alias}`, Data: { KeyArn: arn } });
  expect(regions).toEqual([REGION]);
});

test('GIVEN the alias now names another key (a new replica key) WHEN the lookup is updated THEN it returns the new key ARN', async () => {
  const { alias } = await aliasedKey();
  const replacement = await newKey();
  await client.send(new UpdateAliasCommand({ AliasName: alias, TargetKeyId: replacement.id }));

  const result = await onEvent(event('Update', alias), kms);

  expect(result.Data?.KeyArn).toBe(replacement.arn);
});

test('GIVEN a disabled key behind the alias WHEN the lookup runs THEN the deploy fails naming the key and its state', async () => {
  const { alias, arn, id } = await aliasedKey();
  await client.send(new DisableKeyCommand({ KeyId: id }));

  await expect(onEvent(event('Create', alias), kms)).rejects.toThrow(
    `${alias} in ${REGION} names key ${arn}, which is Disabled: replicas cannot be encrypted with it; enable it (or cancel its deletion) and deploy again`,
  );
});

test('GIVEN an alias that names no key WHEN the lookup runs THEN the deploy fails with KMS error', async () => {
  await expect(onEvent(event('Create', 'alias/s3-dr-replica-nothing'), kms)).rejects.toThrow(/not found/i);
});

test('GIVEN the stack is deleted WHEN the lookup is deleted THEN nothing is asked of KMS', async () => {
  const result = await onEvent(event('Delete', 'alias/s3-dr-replica-gone'), kms);

  expect(result).toEqual({ PhysicalResourceId: `${REGION}/alias/s3-dr-replica-gone` });
  expect(regions).toEqual([]);
});
