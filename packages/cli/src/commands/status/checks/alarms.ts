import type { DeploymentNames } from 's3-dr-naming';
import type { Check } from './types';
import { fail, pass, redeploy, warn } from './types';

/**
 * Alarms of the deployment, from the naming contract. The latency and failure alarms are required;
 * the events alarm, the canary's composite alarm, the tamper alarm and the alert-path alarm are
 * checked when they exist (older deployments have none of them), and so is the reverse canary's
 * (two-way deployments only).
 */
export function alarmNames(names: DeploymentNames): Readonly<Record<AlarmKind, string>> {
  return {
    latency: names.latencyAlarm,
    failed: names.failedAlarm,
    events: names.eventsAlarm,
    canary: names.canaryAlarm,
    canaryBack: names.reverseCanaryAlarm,
    tamper: names.tamperAlarm,
    alertPath: names.alertPathAlarm,
  };
}

export type AlarmKind = 'latency' | 'failed' | 'events' | 'canary' | 'canaryBack' | 'tamper' | 'alertPath';

const REQUIRED: ReadonlySet<AlarmKind> = new Set(['latency', 'failed']);
const ALL_KINDS: readonly AlarmKind[] = [
  'latency',
  'failed',
  'events',
  'canary',
  'canaryBack',
  'tamper',
  'alertPath',
];

/** What to do about an alarm in ALARM: the replication alarms point to the data, the watch alarms to who did what. */
const WHEN_IN_ALARM: Partial<Record<AlarmKind, string>> = {
  tamper:
    'read the message the alarm topic got for each call (who, which call, from where) or the CloudTrail event history; see docs/protection.md',
  alertPath:
    'read the message the alarm topic got for each call (who, which call, from where) or the CloudTrail event history, and check the trail, the s3-dr rules and alarms, the topic, its subscriptions and its key; see docs/protection.md',
};

/** The alarm exists (when required) and is not in ALARM; its current state is reported. */
export function alarmCheck(kind: AlarmKind): Check {
  return {
    id: `alarm.${kind}`,
    async run(scope) {
      const { names, facts } = scope;
      if (!names) {
        return REQUIRED.has(kind)
          ? warn('could not check: the deployment suffix is unknown (name the deployment with --env)')
          : undefined;
      }
      const all = alarmNames(names);
      const alarms = await facts.alarms(ALL_KINDS.map((k) => all[k]));
      const name = all[kind];
      const alarm = alarms.get(name);
      if (!alarm) {
        if (!REQUIRED.has(kind)) return undefined;
        return fail(`alarm ${name} does not exist: nobody is told when replication breaks`, redeploy(scope));
      }
      const since = alarm.StateUpdatedTimestamp ? ` since ${alarm.StateUpdatedTimestamp.toISOString()}` : '';
      if (alarm.StateValue === 'ALARM') {
        return fail(
          `alarm ${name} is in ALARM${since}: ${alarm.StateReason ?? 'no reason given'}`,
          WHEN_IN_ALARM[kind] ??
            'see the metrics.* checks; `s3-dr verify` lists objects missing from the replica',
        );
      }
      if (alarm.ActionsEnabled === false) {
        return warn(
          `alarm ${name} is ${alarm.StateValue} but its actions are disabled: nobody is told when it fires`,
          `aws cloudwatch enable-alarm-actions --alarm-names ${name}`,
        );
      }
      const note = alarm.StateValue === 'INSUFFICIENT_DATA' ? ' (no recent datapoints)' : '';
      return pass(`alarm ${name} exists, state ${alarm.StateValue}${note}${since}`);
    },
  };
}
