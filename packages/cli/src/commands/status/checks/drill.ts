import { type Check, fail, pass, redeployOr, warn } from './types';

/** The principal the drill's experiment role must trust (FIS service role, getting-started-iam-service-role.html). */
const FIS_PRINCIPAL = 'fis.amazonaws.com';

/**
 * Whether `s3-dr drill` can run its `fault` stage: the deployment has the AWS FIS experiment
 * template that pauses replication (`drill=true`: output DrillExperimentTemplateId) and its role
 * trusts FIS. Without them the drill still runs every other stage with `--skip fault`. Without the
 * stack's outputs (names from the naming contract) the template is named by its `Name` tag, which
 * is how the drill finds it then. Skipped for a pair s3-dr did not deploy.
 */
export function drillCheck(): Check {
  return {
    id: 'drill.fault',
    async run(scope) {
      const { target, names, facts } = scope;
      if (!names) return undefined;
      const templateId = target.drillExperimentTemplateId;
      const role = await facts.role(names.drillRole);
      if (!role) {
        return warn(
          `no AWS FIS experiment template to pause replication (role ${names.drillRole} does not exist): s3-dr drill can run every stage but fault (--skip fault)`,
          'deploy with -c drill=true (npx cdk deploy -c drill=true): it adds the template, its role and a guard alarm; nothing runs until a drill starts it',
        );
      }
      const trust = decodeURIComponent(role.AssumeRolePolicyDocument ?? '');
      if (!trust.includes(FIS_PRINCIPAL)) {
        return fail(
          `drill role ${names.drillRole} does not trust ${FIS_PRINCIPAL}: the pause experiment would fail to start`,
          redeployOr(scope, 'primary', `restore the role's trust policy for ${FIS_PRINCIPAL}`),
        );
      }
      const template = templateId
        ? `experiment template ${templateId} (${names.drillExperimentTemplate})`
        : `the experiment template tagged Name=${names.drillExperimentTemplate}`;
      return pass(
        `drillable: ${template} pauses replication as role ${names.drillRole}, trusted by ${FIS_PRINCIPAL}`,
      );
    },
  };
}
