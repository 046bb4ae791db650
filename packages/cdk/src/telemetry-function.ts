import { join } from 'node:path';
import type { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface TelemetryFunctionProps {
  readonly functionName: string;
  readonly description: string;
  /** Folder under assets/ holding the pre-bundled `index.js` (built from lambda/ by scripts/bundle-handlers.mjs). */
  readonly asset: string;
  /** Where the function logs (and, through EMF lines, publishes its metrics). */
  readonly logGroup: logs.ILogGroup;
  readonly timeout: Duration;
  /** @default - none */
  readonly environment?: Record<string, string>;
  /** Lambda's retries of failed asynchronous invocations. @default 2 (Lambda's default) */
  readonly retryAttempts?: number;
  /** A name for the function's role, for policies elsewhere that name it. @default - a generated name */
  readonly roleName?: string;
}

/**
 * A small function on Lambda's newest Node.js runtime, from code pre-bundled into the package (so
 * a consumer's synth needs neither esbuild nor Docker), with its own role that may only write to
 * its log group until the caller grants more.
 */
export class TelemetryFunction extends Construct {
  readonly fn: lambda.Function;
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
      roleName: props.roleName,
      description: `Execution role of ${props.functionName}`,
      managedPolicies: [this.policy],
    });
    this.fn = new lambda.Function(this, 'Function', {
      functionName: props.functionName,
      description: props.description,
      code: lambda.Code.fromAsset(join(__dirname, '..', 'assets', props.asset)),
      handler: 'index.handler',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      timeout: props.timeout,
      role: this.role,
      logGroup: props.logGroup,
      environment: props.environment,
      retryAttempts: props.retryAttempts,
    });
  }
}
