#!/usr/bin/env node
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { stackName } from 's3-dr-naming';
import { ConfigError, loadConfig } from '../lib/config';
import { TapStack } from '../lib/tap-stack';

// CDK's built-in CloudFormation validation takes about 3 s of every synth; the same job is done
// more thoroughly by cfn-lint on every synthesized template in CI (.ci/run), so synth skips it.
const app = new App({ builtinCloudFormationValidation: false });
// aws-cdk-lib writes validation-report.json only when a synth has annotations to report and the cdk
// CLI prints the file it finds: without this, a synth that fixed every warning would print the
// previous synth's warnings again.
rmSync(join(app.outdir, 'validation-report.json'), { force: true });
let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig(app.node.getAllContext(), process.env.CDK_DEFAULT_ACCOUNT);
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  // One clear message instead of a stack trace; cdk synth then fails with this exit code.
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
}
new TapStack(app, stackName(config.environmentSuffix), {
  // The account is `primaryAccount` or the CLI's credentials' when there are any; without, the stack
  // is account-agnostic (names carry the AWS::AccountId pseudo parameter) and still synthesizes.
  env: { account: config.primaryAccount, region: config.region },
  config,
});
