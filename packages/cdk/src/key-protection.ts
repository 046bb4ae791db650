import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/**
 * Key actions that make everything the key encrypts unreadable, now or after the waiting period,
 * or that could remove this protection. Everything else (use, rotation, tags, grants, describing,
 * cancelling a deletion, re-enabling) stays as the rest of the key policy allows.
 */
export const PROTECTED_KEY_ACTIONS = ['kms:ScheduleKeyDeletion', 'kms:DisableKey', 'kms:PutKeyPolicy'];

export interface KeyProtectionProps {
  readonly key: kms.Key;
  /**
   * The principal CloudFormation deploys with (see `cloudFormationExecutionRoleArn`): it updates the
   * key policy on `cdk deploy` and schedules the key's deletion on `cdk destroy` with
   * `removalPolicy: DESTROY`.
   */
  readonly deploymentRoleArn: string;
  /** @default - no break-glass role */
  readonly breakGlassRoleArn?: string;
}

/**
 * A deny in the key policy: nobody but the deployment role and the break-glass role may schedule
 * the key's deletion, disable it or replace its policy. Principals are matched by
 * `aws:PrincipalArn`, a string compare, so re-creating a deleted deployment role (re-running
 * `cdk bootstrap`) restores access; a principal named in a key policy's `Principal` would be
 * pinned to the deleted role's unique id instead.
 *
 * KMS refuses a key policy that would keep the principal setting it from changing it again (the
 * policy lockout safety check): creating or updating this key with credentials other than the
 * exempt principals fails instead of leaving an unmanageable key.
 * https://docs.aws.amazon.com/kms/latest/APIReference/API_PutKeyPolicy.html (BypassPolicyLockoutSafetyCheck)
 */
export class KeyProtection extends Construct {
  readonly exempt: string[];

  constructor(scope: Construct, id: string, props: KeyProtectionProps) {
    super(scope, id);
    this.exempt = [props.deploymentRoleArn, ...(props.breakGlassRoleArn ? [props.breakGlassRoleArn] : [])];
    props.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyKeyDeletionExceptDeployment',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: PROTECTED_KEY_ACTIONS,
        resources: ['*'],
        conditions: { ArnNotLike: { 'aws:PrincipalArn': this.exempt } },
      }),
    );
  }
}
