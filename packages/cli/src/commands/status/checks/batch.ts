import { FactError } from './facts';
import { type Check, fail, pass, redeployOr, warn } from './types';

/** The principal a Batch Operations role must trust (batch-ops-iam-role-policies.html). */
const BATCH_PRINCIPAL = 'batchoperations.s3.amazonaws.com';

/**
 * The Batch Operations role of `backfill` and `restore --batch` exists and S3 Batch Operations may
 * assume it (else every job fails with AssumeRoleNotPermitted). Skipped for a pair s3-dr did not
 * deploy (no role named by outputs or naming contract).
 */
export function batchRoleCheck(): Check {
  return {
    id: 'batch.role',
    async run(scope) {
      const { target, names, facts } = scope;
      const arn = target.batchRoleArn;
      const name = arn ? arn.slice(arn.lastIndexOf('/') + 1) : names?.batchRole;
      if (!name) return undefined;
      const role = await facts.role(name);
      if (!role) {
        return warn(
          `Batch Operations role ${name} does not exist: s3-dr backfill and restore --batch cannot run jobs`,
          'redeploy the stack (npx cdk deploy): it creates the role and the ops bucket',
        );
      }
      const trust = decodeURIComponent(role.AssumeRolePolicyDocument ?? '');
      if (!trust.includes(BATCH_PRINCIPAL)) {
        return fail(
          `Batch Operations role ${name} does not trust ${BATCH_PRINCIPAL}: every job would fail (AssumeRoleNotPermitted)`,
          redeployOr(
            scope,
            'primary',
            `aws iam update-assume-role-policy --role-name ${name} --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"${BATCH_PRINCIPAL}"},"Action":"sts:AssumeRole"}]}'`,
          ),
        );
      }
      return pass(`Batch Operations role ${role.Arn ?? name} exists and trusts ${BATCH_PRINCIPAL}`);
    },
  };
}

/**
 * The ops bucket of job manifests and completion reports exists, is versioned and blocks all
 * public access. Skipped for a pair s3-dr did not deploy.
 */
export function opsBucketCheck(): Check {
  return {
    id: 'batch.opsBucket',
    async run(scope) {
      const { target, names, facts } = scope;
      const bucket = target.opsBucket ?? names?.opsBucket;
      if (!bucket) return undefined;
      let versioning: string | undefined;
      try {
        versioning = await facts.versioning(bucket);
      } catch (err) {
        const cause = err instanceof FactError ? (err.cause as { name?: string }) : undefined;
        if (cause?.name !== 'NoSuchBucket') throw err;
        return warn(
          `ops bucket ${bucket} does not exist: s3-dr backfill and restore --batch have nowhere to put manifests and reports`,
          'redeploy the stack (npx cdk deploy): it creates the ops bucket and the Batch Operations role',
        );
      }
      if (versioning !== 'Enabled') {
        return fail(
          `ops bucket ${bucket} is not versioned: a manifest or report could be overwritten unseen`,
          redeployOr(
            scope,
            'primary',
            `aws s3api put-bucket-versioning --bucket ${bucket} --versioning-configuration Status=Enabled`,
          ),
        );
      }
      const block = await facts.publicAccessBlock(bucket);
      const blocked =
        block?.BlockPublicAcls &&
        block.BlockPublicPolicy &&
        block.IgnorePublicAcls &&
        block.RestrictPublicBuckets;
      if (!blocked) {
        return fail(
          `ops bucket ${bucket} does not block all public access: it lists every key a job touched`,
          redeployOr(
            scope,
            'primary',
            `aws s3api put-public-access-block --bucket ${bucket} --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true`,
          ),
        );
      }
      return pass(`ops bucket ${bucket} exists, is versioned and blocks all public access`);
    },
  };
}
