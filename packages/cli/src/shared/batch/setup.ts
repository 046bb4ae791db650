import type { CommandContext } from '../context';
import { CliError } from '../errors';
import { type BatchSetup, setupFromRole } from './jobs';

/** Options of the commands that create Batch Operations jobs. */
export interface BatchSetupOptions {
  readonly opsBucket?: string;
  readonly roleArn?: string;
}

/**
 * The ops bucket and the role for a job: --ops-bucket/--role-arn, else the deployment's (its
 * OpsBucketName/BatchRoleArn outputs, or the naming contract with --env).
 */
export async function resolveSetup(ctx: CommandContext, options: BatchSetupOptions): Promise<BatchSetup> {
  let opsBucket = options.opsBucket;
  let roleArn = options.roleArn;
  // Without a target (restore takes --bucket alone) only the options can name them.
  const { env, outputs, source, replica } = ctx.options;
  const hasTarget = Boolean(env || outputs || source || replica);
  if ((!opsBucket || !roleArn) && hasTarget) {
    const target = await ctx.target();
    opsBucket ??= target.opsBucket;
    roleArn ??= target.batchRoleArn;
  }
  if (!opsBucket || !roleArn) {
    const missing = [
      ...(opsBucket ? [] : ['--ops-bucket <bucket>']),
      ...(roleArn ? [] : ['--role-arn <arn>']),
    ];
    throw new CliError(
      hasTarget
        ? `no ${missing.join(' and ')}: this target names no ops bucket or Batch Operations role (deploy the stack, whose outputs OpsBucketName and BatchRoleArn name them, or pass ${missing.join(' and ')})`
        : `no ${missing.join(' and ')}: a Batch Operations job needs a bucket for its manifest and report and a role to run as; pass ${missing.join(' and ')}, or --env <suffix> / --outputs <file> of a deployment that names them`,
    );
  }
  return setupFromRole(roleArn, opsBucket);
}

/** Compact UTC time for object names: 20240501T120000Z. */
export function compactTime(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}
