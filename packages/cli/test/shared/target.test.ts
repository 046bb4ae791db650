import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { deploymentNames, OUTPUT_KEYS, stackName } from 's3-dr-naming';
import { motoEndpoint, motoEnv, useMotoEnv } from '../../../../test/support/moto';
import { createClients } from '../../src/shared/aws';
import { CliError } from '../../src/shared/errors';
import { resolveTarget } from '../../src/shared/target';
import { runCli } from '../support/cli';
import { MOTO_ACCOUNT, uniqueSuffix } from '../support/dr-pair';
import { type FixedServer, notFoundServer } from '../support/fixed-server';
import { createBucket, motoS3, put } from '../support/versioned';

// resolveTarget builds its clients from process.env (credentials, endpoint) like the CLI does.
useMotoEnv();

const clients = () => createClients({ endpointUrl: motoEndpoint(), region: 'us-east-1' });

async function createStack(suffix: string, outputs: Record<string, unknown>): Promise<void> {
  const cfn = new CloudFormationClient({
    region: 'us-east-1',
    endpoint: motoEndpoint(),
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
  const template = {
    Resources: {
      Primary: { Type: 'AWS::S3::Bucket', Properties: { BucketName: `cfn-primary-${suffix}` } },
      Replica: { Type: 'AWS::S3::Bucket', Properties: { BucketName: `cfn-replica-${suffix}` } },
    },
    Outputs: Object.fromEntries(Object.entries(outputs).map(([key, value]) => [key, { Value: value }])),
  };
  await cfn.send(
    new CreateStackCommand({ StackName: stackName(suffix), TemplateBody: JSON.stringify(template) }),
  );
}

function outputsFile(content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 's3-dr-target-')), 'flat-outputs.json');
  writeFileSync(path, content);
  return path;
}

describe('GIVEN a CloudFormation stack TapStack<suffix> with the s3-dr outputs', () => {
  it('WHEN resolved with --env THEN the buckets, rule and role come from the stack outputs', async () => {
    const suffix = uniqueSuffix();
    await createStack(suffix, {
      [OUTPUT_KEYS.primaryBucketArn]: { 'Fn::GetAtt': ['Primary', 'Arn'] },
      [OUTPUT_KEYS.replicaBucketArn]: { 'Fn::GetAtt': ['Replica', 'Arn'] },
      [OUTPUT_KEYS.replicationRuleId]: `rule-${suffix}`,
      [OUTPUT_KEYS.replicationRoleArn]: `arn:aws:iam::${MOTO_ACCOUNT}:role/role-${suffix}`,
    });

    const target = await resolveTarget({ env: suffix }, clients);

    expect(target).toEqual(
      expect.objectContaining({
        source: `cfn-primary-${suffix}`,
        replica: `cfn-replica-${suffix}`,
        origin: 'stack',
        suffix,
        replicationRuleId: `rule-${suffix}`,
        replicationRoleArn: `arn:aws:iam::${MOTO_ACCOUNT}:role/role-${suffix}`,
      }),
    );
  });
});

describe('GIVEN a CloudFormation stack TapStack<suffix> without the s3-dr outputs', () => {
  it('WHEN resolved with --env THEN it fails with a usage error naming the stack', async () => {
    const suffix = uniqueSuffix();
    await createStack(suffix, { Something: 'else' });

    await expect(resolveTarget({ env: suffix }, clients)).rejects.toThrow(
      new CliError(
        `stack ${stackName(suffix)} has no PrimaryBucketArn and ReplicaBucketArn outputs: is it an s3-dr deployment?`,
      ),
    );
  });
});

describe('GIVEN no stack for the suffix', () => {
  it('WHEN resolved with --env THEN the names come from the naming contract with the account from STS', async () => {
    const suffix = uniqueSuffix();
    const names = deploymentNames(suffix, MOTO_ACCOUNT);

    const target = await resolveTarget({ env: suffix }, clients);

    expect(target).toEqual({
      source: names.primaryBucket,
      replica: names.replicaBucket,
      origin: 'naming',
      suffix,
      replicationRuleId: names.replicationRuleId,
      opsBucket: names.opsBucket,
      batchRoleArn: `arn:aws:iam::${MOTO_ACCOUNT}:role/${names.batchRole}`,
    });
  });

  it('WHEN resolved with --env and no credentials THEN it fails with one line saying so', async () => {
    const noCredentials = () => {
      delete process.env.AWS_ACCESS_KEY_ID;
      delete process.env.AWS_SECRET_ACCESS_KEY;
      process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent';
      process.env.AWS_CONFIG_FILE = '/nonexistent';
      process.env.AWS_EC2_METADATA_DISABLED = 'true';
      return clients();
    };
    try {
      await expect(resolveTarget({ env: uniqueSuffix() }, noCredentials)).rejects.toThrow(
        /^no AWS credentials found while accessing stack TapStack/,
      );
    } finally {
      Object.assign(process.env, motoEnv());
    }
  });
});

describe('GIVEN a flat outputs file', () => {
  it('WHEN resolved with --outputs THEN the buckets come from the file', async () => {
    const path = outputsFile(
      JSON.stringify({
        [OUTPUT_KEYS.primaryBucketArn]: 'arn:aws:s3:::file-primary',
        [OUTPUT_KEYS.replicaBucketArn]: 'arn:aws:s3:::file-replica',
        [OUTPUT_KEYS.replicationRuleId]: 'replicate-all-dev',
      }),
    );

    const target = await resolveTarget({ outputs: path }, clients);

    expect(target).toEqual(
      expect.objectContaining({
        source: 'file-primary',
        replica: 'file-replica',
        origin: 'outputs',
        replicationRuleId: 'replicate-all-dev',
      }),
    );
  });

  it('WHEN the file is not a JSON object THEN it fails with a usage error naming the file and the shapes it takes', async () => {
    const path = outputsFile('[1, 2]');

    await expect(resolveTarget({ outputs: path }, clients)).rejects.toThrow(
      `outputs file ${path} is not a JSON object: expected flat {OutputKey: value}, or {StackName: {OutputKey: value}} as cdk deploy --outputs-file writes it`,
    );
  });

  it('WHEN only the replica bucket is missing THEN the error names that output alone', async () => {
    const path = outputsFile(JSON.stringify({ [OUTPUT_KEYS.primaryBucketArn]: 'arn:aws:s3:::file-primary' }));

    await expect(resolveTarget({ outputs: path }, clients)).rejects.toThrow(
      new CliError(`outputs file ${path} has no ReplicaBucketArn output: is it an s3-dr deployment?`),
    );
  });

  it('WHEN an output is not a bucket ARN THEN the error names it and its value', async () => {
    const path = outputsFile(
      JSON.stringify({
        [OUTPUT_KEYS.primaryBucketArn]: 'file-primary',
        [OUTPUT_KEYS.replicaBucketArn]: 'arn:aws:s3:::file-replica',
      }),
    );

    await expect(resolveTarget({ outputs: path }, clients)).rejects.toThrow(
      new CliError(
        `outputs file ${path} has PrimaryBucketArn 'file-primary', which is not an S3 bucket ARN (arn:aws:s3:::<bucket>): is it an s3-dr deployment?`,
      ),
    );
  });

  it('WHEN the file does not exist THEN it fails with a usage error naming the file', async () => {
    await expect(resolveTarget({ outputs: '/nonexistent/flat-outputs.json' }, clients)).rejects.toThrow(
      /^cannot read outputs file \/nonexistent\/flat-outputs\.json: /,
    );
  });
});

describe('GIVEN the outputs file cdk deploy --outputs-file writes (by stack)', () => {
  it('WHEN it holds the one stack TapStack<suffix> THEN the buckets come from its outputs', async () => {
    const path = outputsFile(
      JSON.stringify({
        TapStackdev: {
          [OUTPUT_KEYS.primaryBucketArn]: 'arn:aws:s3:::nested-primary',
          [OUTPUT_KEYS.replicaBucketArn]: 'arn:aws:s3:::nested-replica',
          [OUTPUT_KEYS.opsBucketName]: 'nested-ops',
        },
      }),
    );

    const target = await resolveTarget({ outputs: path }, clients);

    expect(target).toEqual(
      expect.objectContaining({
        source: 'nested-primary',
        replica: 'nested-replica',
        opsBucket: 'nested-ops',
      }),
    );
  });

  it('WHEN it holds TapStack<suffix> and its replica stack THEN their outputs are read together', async () => {
    const path = outputsFile(
      JSON.stringify({
        TapStackdev: { [OUTPUT_KEYS.primaryBucketArn]: 'arn:aws:s3:::nested-primary' },
        TapStackdevReplica: { [OUTPUT_KEYS.replicaBucketArn]: 'arn:aws:s3:::nested-replica' },
      }),
    );

    const target = await resolveTarget({ outputs: path }, clients);

    expect(target).toEqual(expect.objectContaining({ source: 'nested-primary', replica: 'nested-replica' }));
  });

  it('WHEN it holds two deployments THEN it fails with one line naming the stacks, not a guess', async () => {
    const path = outputsFile(
      JSON.stringify({
        TapStackdev: { [OUTPUT_KEYS.primaryBucketArn]: 'arn:aws:s3:::dev-primary' },
        TapStackprod: { [OUTPUT_KEYS.primaryBucketArn]: 'arn:aws:s3:::prod-primary' },
      }),
    );

    await expect(resolveTarget({ outputs: path }, clients)).rejects.toThrow(
      new CliError(
        `outputs file ${path} holds more than one deployment: stacks TapStackdev and TapStackprod give PrimaryBucketArn different values; keep the stacks of one deployment (or use --env <suffix>)`,
      ),
    );
  });

  it('WHEN a command is given it THEN it runs on the deployment the file names', async () => {
    const s3 = motoS3();
    const [primary, replica] = [await createBucket(s3, 'nested-src'), await createBucket(s3, 'nested-dst')];
    await put(s3, primary, 'doc', 'same');
    await put(s3, replica, 'doc', 'same');
    const path = outputsFile(
      JSON.stringify({
        TapStackdev: { [OUTPUT_KEYS.primaryBucketArn]: `arn:aws:s3:::${primary}` },
        TapStackdevReplica: { [OUTPUT_KEYS.replicaBucketArn]: `arn:aws:s3:::${replica}` },
      }),
    );

    const result = await runCli(['--outputs', path, 'verify']);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`verify s3://${primary}/ -> s3://${replica}/`);
  });

  it('WHEN its stack lacks a bucket output THEN the error names only that output', async () => {
    const path = outputsFile(
      JSON.stringify({ TapStackdev: { [OUTPUT_KEYS.replicaBucketArn]: 'arn:aws:s3:::nested-replica' } }),
    );

    await expect(resolveTarget({ outputs: path }, clients)).rejects.toThrow(
      new CliError(`outputs file ${path} has no PrimaryBucketArn output: is it an s3-dr deployment?`),
    );
  });
});

describe('GIVEN bucket names on the command line', () => {
  it('WHEN resolved with --source and --replica THEN those are the buckets, without any AWS call', async () => {
    const unusable = () => {
      throw new Error('no AWS client should be needed');
    };

    const target = await resolveTarget({ source: 'src', replica: 'dst' }, unusable);

    expect(target).toEqual({ source: 'src', replica: 'dst', origin: 'explicit' });
  });

  it('WHEN --env is given too THEN it fails with a usage error: the target is named twice', async () => {
    await expect(resolveTarget({ source: 'src', replica: 'dst', env: 'dev' }, clients)).rejects.toThrow(
      /^--env and --source\/--replica both name the target: pass only one of /,
    );
  });

  it('WHEN only --source is given THEN it fails with a usage error asking for both', async () => {
    await expect(resolveTarget({ source: 'src' }, clients)).rejects.toThrow(
      new CliError('--source and --replica go together: name both buckets'),
    );
  });
});

describe('GIVEN no target option', () => {
  it('WHEN resolved THEN it fails with a usage error listing the three ways to name a target', async () => {
    const error = await resolveTarget({}, clients).catch((err: unknown) => err);

    expect(error).toEqual(
      new CliError(
        'no target: pass --env <suffix>, --outputs <file> or --source <bucket> --replica <bucket>',
      ),
    );
    expect((error as CliError).exitCode).toBe(2);
  });
});

describe('GIVEN an endpoint that answers HTTP 404 to everything (not AWS)', () => {
  let server: FixedServer;
  beforeAll(async () => {
    server = await notFoundServer();
  });
  afterAll(() => server.close());

  it('WHEN resolved with --env THEN the line says the endpoint is not STS, not that a bucket is missing', async () => {
    const aws = () => createClients({ endpointUrl: server.endpoint, region: 'us-east-1' });

    await expect(resolveTarget({ env: 'dev' }, aws)).rejects.toMatchObject({
      exitCode: 2,
      message:
        'stack TapStackdev (and the caller identity, to derive names): the endpoint answered HTTP 404 without an error code, so it is not STS: check --endpoint-url and --region',
    });
  });
});
