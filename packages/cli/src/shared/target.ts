import { readFile } from 'node:fs/promises';
import {
  ACCOUNT_ID_RULE,
  DRILL_OUTPUT_KEYS,
  deploymentNames,
  INVENTORY_OUTPUT_KEYS,
  isValidAccountId,
  isValidSuffix,
  OUTPUT_KEYS,
  SUFFIX_RULE,
  stackName,
  VAULT_OUTPUT_KEYS,
} from 's3-dr-naming';
import type { AwsClients } from './aws';
import { CliError, describeAwsError, EXIT } from './errors';

/** How the operator named the deployment: exactly one of these forms. */
export interface TargetOptions {
  readonly env?: string;
  readonly outputs?: string;
  readonly source?: string;
  readonly replica?: string;
}

/** A resolved source/replica pair and what else is known about its deployment. */
export interface Target {
  readonly source: string;
  readonly replica: string;
  /** Where the names came from, for messages: the stack outputs, the naming contract, a file or flags. */
  readonly origin: 'stack' | 'naming' | 'outputs' | 'explicit';
  /** The deployment's suffix, when known (--env). */
  readonly suffix?: string;
  /**
   * The replica's account when the replica is a vault in another account: the output ReplicaAccount,
   * or (names from the naming contract) the account of the --replica-profile/--replica-role-arn
   * credentials when it differs from the caller's. Undefined: the replica is in the primary's account,
   * or nothing said otherwise (--source/--replica).
   */
  readonly replicaAccount?: string;
  readonly replicationRuleId?: string;
  readonly replicationRoleArn?: string;
  readonly alarmTopicArn?: string;
  /** Ops bucket and role of S3 Batch Operations jobs (deployments that have them). */
  readonly opsBucket?: string;
  readonly batchRoleArn?: string;
  /** The vault's recovery role (MFA; reads the vault, writes the primary) of deployments with `vaultRecoveryRole` (restore --from replica). */
  readonly vaultRecoveryRoleArn?: string;
  /** The AWS FIS experiment template `s3-dr drill` starts (deployments with `drill=true`). */
  readonly drillExperimentTemplateId?: string;
  /** S3 Inventory of deployments that take it (`inventory`): what `verify --inventory` reads. */
  readonly inventory?: {
    /** Root of each bucket's inventory configuration, `s3://<ops bucket>/inventory/<bucket>/<id>/`. */
    readonly primary?: string;
    readonly replica?: string;
    readonly athenaWorkgroup?: string;
    readonly glueDatabase?: string;
  };
}

type Outputs = Record<string, string | undefined>;

const TARGET_FORMS = '--env <suffix>, --outputs <file> or --source <bucket> --replica <bucket>';

/**
 * Fails with a usage error unless the target options name at most one deployment one way, and a
 * suffix is one the app accepts (the naming contract's rule). Costs no request: runs before any work.
 */
export function checkTargetOptions(options: TargetOptions): void {
  const given = [
    ...(options.env !== undefined ? ['--env'] : []),
    ...(options.outputs !== undefined ? ['--outputs'] : []),
    ...(options.source !== undefined || options.replica !== undefined ? ['--source/--replica'] : []),
  ];
  if (given.length > 1) {
    throw new CliError(`${given.join(' and ')} both name the target: pass only one of ${TARGET_FORMS}`);
  }
  if (options.env !== undefined) {
    if (options.env.trim() === '')
      throw new CliError('--env needs the suffix of a deployment, e.g. --env dev');
    // The app's own rule for environmentSuffix (the naming contract), in the app's words.
    if (!isValidSuffix(options.env)) {
      throw new CliError(`--env '${options.env}' is invalid; expected ${SUFFIX_RULE}`);
    }
  }
}

/**
 * Resolves the target from --env, --outputs or --source/--replica (exactly one of them). A target
 * whose source is its own replica fails with exit code 1: every comparison or probe of it would
 * pass without proving anything.
 */
export async function resolveTarget(options: TargetOptions, clients: () => AwsClients): Promise<Target> {
  const target = await resolveNames(options, clients);
  if (target.source === target.replica) {
    throw new CliError(
      `source and replica are the same bucket ${target.source}: comparing a bucket with itself proves nothing about its replica`,
      EXIT.findings,
      'same-bucket',
    );
  }
  return target;
}

async function resolveNames(options: TargetOptions, clients: () => AwsClients): Promise<Target> {
  checkTargetOptions(options);
  if (options.source || options.replica) {
    if (!options.source || !options.replica) {
      throw new CliError('--source and --replica go together: name both buckets');
    }
    return { source: options.source, replica: options.replica, origin: 'explicit' };
  }
  if (options.outputs) {
    return fromOutputs(await readOutputsFile(options.outputs), 'outputs', `outputs file ${options.outputs}`);
  }
  if (options.env) {
    return fromEnvironment(options.env, clients());
  }
  throw new CliError(`no target: pass ${TARGET_FORMS}`);
}

/**
 * The outputs in an outputs file: flat `{OutputKey: value}` (e.g. cfn-outputs/flat-outputs.json), or
 * by stack as `cdk deploy --outputs-file` writes them (`{"TapStackdev": {...}, "TapStackdevReplica":
 * {...}}`, https://github.com/aws/aws-cdk-cli/blob/main/packages/aws-cdk/README.md#cdk-deploy), whose
 * stacks' outputs are merged. A file in which two stacks give one output different values holds
 * two deployments: that is refused rather than guessed.
 */
export async function readOutputsFile(path: string): Promise<Outputs> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read outputs file ${path}: ${(err as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // reported below
  }
  const shapes = `flat {OutputKey: value}, or {StackName: {OutputKey: value}} as cdk deploy --outputs-file writes it`;
  if (!isObject(parsed)) throw new CliError(`outputs file ${path} is not a JSON object: expected ${shapes}`);
  const values = Object.values(parsed);
  if (values.every((v) => typeof v === 'string')) return parsed as Outputs;
  if (!values.every((v) => isObject(v) && Object.values(v).every((o) => typeof o === 'string'))) {
    throw new CliError(`outputs file ${path} is neither of the two shapes: expected ${shapes}`);
  }
  const merged: Outputs = {};
  const from: Record<string, string> = {};
  for (const [stack, outputs] of Object.entries(parsed as Record<string, Outputs>)) {
    for (const [key, value] of Object.entries(outputs)) {
      if (from[key] !== undefined && merged[key] !== value) {
        throw new CliError(
          `outputs file ${path} holds more than one deployment: stacks ${from[key]} and ${stack} give ${key} different values; keep the stacks of one deployment (or use --env <suffix>)`,
        );
      }
      merged[key] = value;
      from[key] = stack;
    }
  }
  return merged;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The two buckets the outputs name (PrimaryBucketArn, ReplicaBucketArn), or a usage error naming
 * exactly the outputs that are missing or not a bucket ARN, and `where` they were looked for.
 */
export function bucketsFromOutputs(outputs: Outputs, where: string): { source: string; replica: string } {
  const source = bucketFromArn(outputs[OUTPUT_KEYS.primaryBucketArn]);
  const replica = bucketFromArn(outputs[OUTPUT_KEYS.replicaBucketArn]);
  if (source && replica) return { source, replica };
  const wrong = [OUTPUT_KEYS.primaryBucketArn, OUTPUT_KEYS.replicaBucketArn].filter(
    (key) => !bucketFromArn(outputs[key]),
  );
  const absent = wrong.filter((key) => outputs[key] === undefined);
  const invalid = wrong.filter((key) => outputs[key] !== undefined);
  const problems = [
    ...(absent.length ? [`has no ${absent.join(' and ')} output${absent.length > 1 ? 's' : ''}`] : []),
    ...invalid.map(
      (key) => `has ${key} '${outputs[key]}', which is not an S3 bucket ARN (arn:aws:s3:::<bucket>)`,
    ),
  ];
  throw new CliError(`${where} ${problems.join(' and ')}: is it an s3-dr deployment?`);
}

function fromOutputs(outputs: Outputs, origin: Target['origin'], where: string, suffix?: string): Target {
  const { source, replica } = bucketsFromOutputs(outputs, where);
  const replicaAccount = outputs[VAULT_OUTPUT_KEYS.replicaAccount];
  if (replicaAccount !== undefined && !isValidAccountId(replicaAccount)) {
    throw new CliError(
      `${where} has ${VAULT_OUTPUT_KEYS.replicaAccount} '${replicaAccount}', which is not ${ACCOUNT_ID_RULE}`,
    );
  }
  return {
    source,
    replica,
    origin,
    suffix,
    ...(replicaAccount !== undefined ? { replicaAccount } : {}),
    replicationRuleId: outputs[OUTPUT_KEYS.replicationRuleId],
    replicationRoleArn: outputs[OUTPUT_KEYS.replicationRoleArn],
    alarmTopicArn: outputs[OUTPUT_KEYS.alarmTopicArn],
    opsBucket: outputs[OUTPUT_KEYS.opsBucketName],
    batchRoleArn: outputs[OUTPUT_KEYS.batchRoleArn],
    drillExperimentTemplateId: outputs[DRILL_OUTPUT_KEYS.drillExperimentTemplateId],
    vaultRecoveryRoleArn: outputs[VAULT_OUTPUT_KEYS.vaultRecoveryRoleArn],
    inventory: {
      primary: outputs[INVENTORY_OUTPUT_KEYS.inventoryLocationPrimary],
      replica: outputs[INVENTORY_OUTPUT_KEYS.inventoryLocationReplica],
      athenaWorkgroup: outputs[INVENTORY_OUTPUT_KEYS.athenaWorkgroup],
      glueDatabase: outputs[INVENTORY_OUTPUT_KEYS.glueDatabase],
    },
  };
}

/** `arn:aws:s3:::name` -> `name`. */
export function bucketFromArn(arn: string | undefined): string | undefined {
  const match = /^arn:[a-z-]+:s3:::([^/]+)$/.exec(arn ?? '');
  return match?.[1];
}

async function fromEnvironment(suffix: string, clients: AwsClients): Promise<Target> {
  const name = stackName(suffix);
  try {
    // Loaded here, not at start-up: only --env needs CloudFormation and STS.
    const { DescribeStacksCommand } = await import('@aws-sdk/client-cloudformation');
    const res = await clients.cloudFormation.send(new DescribeStacksCommand({ StackName: name }));
    const outputs: Outputs = {};
    for (const o of res.Stacks?.[0]?.Outputs ?? []) {
      if (o.OutputKey) outputs[o.OutputKey] = o.OutputValue;
    }
    return fromOutputs(outputs, 'stack', `stack ${name}`, suffix);
  } catch (err) {
    if (err instanceof CliError) throw err;
    // The stack may be unreadable (no cloudformation:DescribeStacks, other region): the naming
    // contract still tells the names, given the account.
  }
  let account: string | undefined;
  let partition = 'aws';
  try {
    const identity = await callerIdentity(clients);
    account = identity.Account;
    partition = /^arn:([^:]+):/.exec(identity.Arn ?? '')?.[1] ?? partition;
  } catch (err) {
    throw describeAwsError(err, `stack ${name} (and the caller identity, to derive names)`, 'STS');
  }
  if (!account) throw new CliError(`cannot derive the names of ${name}: STS returned no account id`);
  // A vault's bucket carries the vault's account: the one the replica side's credentials are of.
  let replicaAccount = account;
  if (clients.separateReplicaCredentials) {
    try {
      replicaAccount = (await callerIdentity(clients.replicaSide)).Account ?? account;
    } catch (err) {
      throw describeAwsError(
        err,
        `stack ${name} (and the identity of ${clients.replicaVia}, to derive the replica's name)`,
        'STS',
      );
    }
  }
  const names = deploymentNames(suffix, account, replicaAccount);
  return {
    source: names.primaryBucket,
    replica: names.replicaBucket,
    origin: 'naming',
    suffix,
    ...(replicaAccount !== account ? { replicaAccount } : {}),
    replicationRuleId: names.replicationRuleId,
    opsBucket: names.opsBucket,
    batchRoleArn: `arn:${partition}:iam::${account}:role/${names.batchRole}`,
  };
}

/** STS GetCallerIdentity with these clients' credentials (loaded here: only --env needs STS). */
export async function callerIdentity(clients: AwsClients): Promise<{ Account?: string; Arn?: string }> {
  const { GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
  return clients.sts.send(new GetCallerIdentityCommand({}));
}
