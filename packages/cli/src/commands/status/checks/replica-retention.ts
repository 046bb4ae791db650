import { type Check, fail, pass, redeploy, warn } from './types';

/**
 * Whether replicas carry Object Lock retention, as the canary measured it on this account: with
 * Object Lock on the replica, the canary reads the retention of the replica of each probe and
 * alarm `s3-replication-replica-unlocked-<suffix>` (in the primary's region, where the canary runs)
 * is in ALARM when one carries none, OK when they carry it, INSUFFICIENT_DATA until the first
 * measurement. The S3 documentation does not settle whether replicas of versions without retention
 * get the replica bucket's default retention, hence a measurement rather than a reading of the
 * bucket's configuration.
 */
export function replicaRetentionCheck(): Check {
  return {
    id: 'replica.retention',
    async run(scope) {
      const { target, names, facts } = scope;
      if (!names || !(await facts.objectLock(target.replica)).enabled) return undefined;
      const name = names.replicaUnlockedAlarm;
      const region = facts.regionOf(target.source);
      const alarm = (await facts.alarms([name], region)).get(name);
      if (!alarm) {
        return warn(
          `not measured: alarm ${name} does not exist in ${region}, so nothing checks that the replicas in ${target.replica} carry Object Lock retention`,
          // The canary and its alarm are the primary's stack's, a vault's replica or not.
          `${redeploy(scope, 'primary')}: the canary then measures it within minutes`,
        );
      }
      const since = alarm.StateUpdatedTimestamp ? ` since ${alarm.StateUpdatedTimestamp.toISOString()}` : '';
      if (alarm.StateValue === 'ALARM') {
        return fail(
          `the replicas of the canary's probes in ${target.replica} carry no Object Lock retention (alarm ${name} in ALARM${since}): S3 does not give replicas of versions without retention the replica's default retention here, so Object Lock does not protect the replicas of the primary's versions`,
          "give the primary's versions retention (Object Lock with a default retention on the primary), or set retention on the replicas with S3 Batch Operations (Object Lock retention); the canary's log names the probe",
        );
      }
      if (alarm.StateValue === 'OK') {
        return pass(
          `the replicas of the canary's probes in ${target.replica} carry Object Lock retention (alarm ${name} OK${since}): S3 gives replicas of versions without retention the replica's default retention here`,
        );
      }
      return warn(
        `not measured yet: the canary has not yet read the retention of a replicated probe (alarm ${name} is ${alarm.StateValue ?? 'in no state'}); it does within minutes of a deploy while replication works`,
        'run s3-dr status again in a few minutes; if it stays so, see alarm.canary',
      );
    },
  };
}
