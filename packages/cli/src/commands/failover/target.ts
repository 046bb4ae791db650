import { ACCESS_POINT_OUTPUT_KEYS, OUTPUT_KEYS, VAULT_OUTPUT_KEYS } from 's3-dr-naming';
import { CliError, EXIT } from '../../shared/errors';
import {
  bucketsFromOutputs,
  checkTargetOptions,
  readOutputsFile,
  type TargetOptions,
} from '../../shared/target';
import type { DeploymentRef } from './deployment';

/** The deployment failover or failback acts on, and the flags that name it again (for failback). */
export interface SwitchTarget extends DeploymentRef {
  readonly flags: string;
}

/**
 * The line for a deployment whose replica is a vault in another account: the stack refuses a
 * Multi-Region Access Point over a vault (a recovery copy, not a serving replica), so there is
 * nothing to switch; recovery copies the vault's data back instead.
 */
export function vaultHasNoRoutes(command: DeploymentRef['command'], what: string, account: string): CliError {
  return new CliError(
    `${command}: the replica of ${what} is a vault in account ${account}, a recovery copy with no Multi-Region Access Point, so there are no routes to move; to recover from it: s3-dr restore --from replica`,
    EXIT.usage,
    'not-found',
  );
}

/**
 * failover and failback act on a deployment's access point. --env names it (s3-dr-<suffix>);
 * --outputs names it with its MultiRegionAccessPointArn output (or --access-point) and the
 * buckets; --source/--replica name only the buckets, so they need --access-point <arn> too.
 */
export async function switchTarget(
  options: TargetOptions,
  command: DeploymentRef['command'],
  accessPoint: string | undefined,
): Promise<SwitchTarget> {
  checkTargetOptions(options);
  const withArn = (arn: string | undefined) => (arn ? ` --access-point ${arn}` : '');
  if (options.env !== undefined) {
    return {
      command,
      suffix: options.env,
      accessPointArn: accessPoint,
      flags: `--env ${options.env}${withArn(accessPoint)}`,
    };
  }
  if (options.outputs !== undefined) {
    const outputs = await readOutputsFile(options.outputs);
    const { source: primary, replica } = bucketsFromOutputs(outputs, `outputs file ${options.outputs}`);
    const vault = outputs[VAULT_OUTPUT_KEYS.replicaAccount];
    if (vault !== undefined) throw vaultHasNoRoutes(command, `the deployment in ${options.outputs}`, vault);
    const arn = accessPoint ?? outputs[ACCESS_POINT_OUTPUT_KEYS.multiRegionAccessPointArn];
    if (!arn) {
      throw new CliError(
        `${options.outputs} has no ${ACCESS_POINT_OUTPUT_KEYS.multiRegionAccessPointArn} output: the deployment has no Multi-Region Access Point, so there are no routes to move (point the applications at bucket ${replica} instead); --access-point <arn> names one`,
        EXIT.usage,
        'not-found',
      );
    }
    return {
      command,
      accessPointArn: arn,
      buckets: { primary, replica },
      replicationRuleId: outputs[OUTPUT_KEYS.replicationRuleId],
      replicaRegion: outputs[OUTPUT_KEYS.replicaRegion],
      flags: `--outputs ${options.outputs}${withArn(accessPoint)}`,
    };
  }
  if (options.source !== undefined || options.replica !== undefined) {
    if (!options.source || !options.replica) {
      throw new CliError('--source and --replica go together: name both buckets');
    }
    if (!accessPoint) {
      throw new CliError(
        `${command} with --source/--replica needs --access-point <arn> too (the stack output MultiRegionAccessPointArn): the buckets alone do not name the access point whose routes it moves`,
      );
    }
    return {
      command,
      accessPointArn: accessPoint,
      buckets: { primary: options.source, replica: options.replica },
      flags: `--source ${options.source} --replica ${options.replica} --access-point ${accessPoint}`,
    };
  }
  throw new CliError(
    `${command} needs the deployment: --env <suffix>, --outputs <file>, or --source <bucket> --replica <bucket> --access-point <arn>; it moves the routes of its Multi-Region Access Point`,
  );
}
