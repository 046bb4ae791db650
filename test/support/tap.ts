import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { stackName } from 's3-dr-naming';
import { loadConfig } from '../../lib/config';
import { TapStack } from '../../lib/tap-stack';

/** The feature flags of cdk.json: tests must synthesize what `cdk synth` synthesizes. */
export const CDK_JSON_CONTEXT: Record<string, unknown> = JSON.parse(
  readFileSync(join(__dirname, '..', '..', 'cdk.json'), 'utf8'),
).context;

export interface SynthOptions {
  readonly context?: Record<string, unknown>;
  /** @default - account-agnostic, as `cdk synth` without credentials */
  readonly account?: string;
}

export interface Synthesized {
  readonly app: App;
  readonly stack: TapStack;
  /** The top-level stack TapStack<suffix>. */
  readonly top: Template;
  /** The nested replication stack. */
  readonly nested: Template;
  /** The replica's stack TapStack<suffix>Replica, when the replica is in another region. */
  readonly replica?: Template;
}

/** Builds the app as bin/tap.ts does, with the given context on top of cdk.json's. */
export function synthTap(options: SynthOptions = {}): Synthesized {
  // As bin/tap.ts: no built-in CloudFormation validation (cfn-lint checks the templates in CI).
  const app = new App({
    builtinCloudFormationValidation: false,
    context: { ...CDK_JSON_CONTEXT, ...options.context },
  });
  const config = loadConfig(app.node.getAllContext(), options.account);
  const stack = new TapStack(app, stackName(config.environmentSuffix), {
    env: { account: config.primaryAccount, region: config.region },
    config,
  });
  const replicaStack = stack.replication.pair.replicaStack;
  return {
    app,
    stack,
    top: Template.fromStack(stack),
    nested: Template.fromStack(stack.replication),
    replica: replicaStack ? Template.fromStack(replicaStack) : undefined,
  };
}

export { onlyResource } from '../../packages/cdk/test/support/template';
