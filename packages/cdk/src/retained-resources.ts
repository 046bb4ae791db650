import { Annotations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** The page that says what CloudFormation's import of existing named resources needs. */
const AUTO_IMPORT_PAGE =
  'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/import-resources-automatically.html';

export interface RetainedResources {
  readonly suffix: string;
  readonly bucketNames: readonly string[];
  readonly logGroupName: string;
}

/**
 * Says at synth time what `cdk destroy` keeps with `RemovalPolicy.RETAIN` and what to do before
 * deploying the same suffix again: the buckets and the log group keep their fixed names, so
 * CloudFormation cannot create them a second time while they exist. An info message, not a
 * warning: retaining is what a deployment holding real data should do, there is nothing to fix.
 */
export function noteRetainedResources(scope: IConstruct, retained: RetainedResources): void {
  Annotations.of(scope).addInfo(
    `removalPolicy RETAIN: cdk destroy keeps the buckets ${retained.bucketNames.join(', ')}, ` +
      `the log group ${retained.logGroupName} and the KMS keys that encrypt them (the kept data needs those keys). ` +
      `While these exist, deploying suffix '${retained.suffix}' again fails on their names ("already exists"). ` +
      'To deploy again, either choose a new environmentSuffix (and copy what you need from the kept buckets), ' +
      'or import them: cdk deploy --import-existing-resources, synthesized with the account so that the names are static, ' +
      `then run CloudFormation drift detection on them, as AWS recommends after an import (${AUTO_IMPORT_PAGE}); ` +
      'or delete them once their data is no longer needed.',
  );
}
