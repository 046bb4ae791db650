import { alarmCheck } from './alarms';
import { tamperRuleCheck } from './protection';
import { alarmSubscriptionCheck } from './subscriptions';
import { type Check, fail, redeploy } from './types';

/**
 * A check of the primary's side run again on a vault's own: its tamper rule, tamper alarm and alarm
 * topic live in the vault account and the replica's region, read with the replica side's
 * credentials. `missing` is the FAIL when the check finds nothing (the vault stack creates each).
 */
function inVault(check: Check, id: string, missing?: string): Check {
  return {
    id,
    async run(scope) {
      const account = scope.target.replicaAccount;
      if (!account || !scope.vaultFacts || !scope.names) return undefined;
      const region = scope.facts.regionOf(scope.target.replica);
      const where = `vault account ${account}, ${region}`;
      const vaultScope = {
        ...scope,
        account,
        region,
        facts: scope.vaultFacts,
        target: { ...scope.target, alarmTopicArn: undefined },
        inVault: true,
      };
      const outcome = await check.run(vaultScope);
      if (!outcome) return missing ? fail(`${missing} (${where})`, redeploy(vaultScope)) : undefined;
      return { ...outcome, message: `${outcome.message} (${where})` };
    },
  };
}

/** The vault's own alarm path, checked in its account (a deployment without a vault: none apply). */
export const VAULT_CHECKS: readonly Check[] = [
  inVault(tamperRuleCheck(), 'vault.tamper.rule'),
  inVault(
    alarmCheck('tamper'),
    'vault.alarm.tamper',
    'the vault has no tamper alarm: nobody is told when its replica or key is changed',
  ),
  inVault(alarmSubscriptionCheck(), 'vault.alarm.subscription'),
];
