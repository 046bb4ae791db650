import { join } from 'node:path';
import { type Duration, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface TelemetryFunctionProps {
  readonly functionName: string;
  readonly description: string;
  /** File under lambda/ exporting `handler`. */
  readonly entry: string;
  /** Where the function logs (and, through EMF lines, publishes its metrics). */
  readonly logGroup: logs.ILogGroup;
  readonly timeout: Duration;
  /** @default - none */
  readonly environment?: Record<string, string>;
  /** Lambda's retries of failed asynchronous invocations. @default 2 (Lambda's default) */
  readonly retryAttempts?: number;
}

/**
 * A small Node.js 22 function from lambda/, bundled locally by esbuild (no Docker), with its own
 * role that may only write to its log group until the caller grants more.
 */
export class TelemetryFunction extends Construct {
  readonly fn: nodejs.NodejsFunction;
  readonly role: iam.Role;
  /** The role's only policy (managed, so it exists before the function runs); add grants here. */
  readonly policy: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: TelemetryFunctionProps) {
    super(scope, id);
    this.policy = new iam.ManagedPolicy(this, 'Policy', {
      description: `Permissions of ${props.functionName}`,
      statements: [
        new iam.PolicyStatement({
          sid: 'WriteOwnLogs',
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [props.logGroup.logGroupArn],
        }),
      ],
    });
    this.role = new iam.Role(this, 'Role', {
      // The global principal name, the same in every partition lib/config.ts accepts.
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${props.functionName}`,
      managedPolicies: [this.policy],
    });
    this.fn = new nodejs.NodejsFunction(this, 'Function', {
      functionName: props.functionName,
      description: props.description,
      entry: join(__dirname, '..', '..', 'lambda', props.entry),
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      timeout: props.timeout,
      role: this.role,
      logGroup: props.logGroup,
      environment: props.environment,
      retryAttempts: props.retryAttempts,
      bundling: {
        // The Node.js 22 runtime ships AWS SDK v3; bundling it again would only add cold-start time.
        externalModules: ['@aws-sdk/*'],
        minify: true,
        sourceMap: false,
        target: 'node22',
        forceDockerBundling: false,
      },
    });
    Validations.of(this.fn).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Pinned to Node.js 22, the runtime the function code is built (esbuild target node22) and tested for.',
    });
  }
}
