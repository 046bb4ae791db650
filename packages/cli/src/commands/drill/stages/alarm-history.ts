import {
  type CloudWatchClient,
  DescribeAlarmHistoryCommand,
  type DescribeAlarmHistoryCommandOutput,
} from '@aws-sdk/client-cloudwatch';
import type { DeploymentNames } from 's3-dr-naming';
import { describeAwsError } from '../../../shared/errors';

/** One alarm's transition into ALARM. */
export interface AlarmTransition {
  readonly alarm: string;
  readonly region: string;
  readonly at: number;
  /** `OK -> ALARM`. */
  readonly change: string;
}

/**
 * The alarms that tell an operator replication is behind or broken, by region: those of the
 * forward rule and its canary in the primary's region, the reverse ones in the replica's (two-way).
 * Not the tamper alarm (it watches configuration changes, which the pause itself makes) nor the
 * drill's own guard alarm (the experiment's stop condition).
 */
export function watchedAlarms(
  names: DeploymentNames,
  primaryRegion: string,
  replicaRegion: string,
  bidirectional: boolean,
): Map<string, string[]> {
  const byRegion = new Map<string, string[]>();
  const add = (region: string, alarms: string[]) =>
    byRegion.set(region, [...(byRegion.get(region) ?? []), ...alarms]);
  add(primaryRegion, [
    names.latencyAlarm,
    names.failedAlarm,
    names.eventsAlarm,
    names.canaryAlarm,
    names.canaryLatencyAlarm,
    names.canarySilentAlarm,
    names.canaryOverdueAlarm,
    names.canaryErrorsAlarm,
  ]);
  if (bidirectional) {
    add(replicaRegion, [
      names.reverseLatencyAlarm,
      names.reverseFailedAlarm,
      names.reverseCanaryAlarm,
      names.reverseCanaryLatencyAlarm,
      names.reverseCanarySilentAlarm,
      names.reverseCanaryOverdueAlarm,
      names.reverseCanaryErrorsAlarm,
    ]);
  }
  return byRegion;
}

/**
 * The first transition into ALARM of any of `alarms` at or after `since`: DescribeAlarmHistory per
 * alarm, state updates only, oldest first. AlarmTypes names both kinds: without it only metric
 * alarms are returned, and the canary's alarm is a composite one.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarmHistory.html
 */
export async function firstAlarm(
  cloudWatchIn: (region: string) => CloudWatchClient,
  alarms: ReadonlyMap<string, readonly string[]>,
  since: number,
  until: number,
): Promise<AlarmTransition | undefined> {
  const found: AlarmTransition[] = [];
  for (const [region, names] of alarms) {
    const cloudWatch = cloudWatchIn(region);
    for (const alarm of names) {
      let res: DescribeAlarmHistoryCommandOutput;
      try {
        res = await cloudWatch.send(
          new DescribeAlarmHistoryCommand({
            AlarmName: alarm,
            AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
            HistoryItemType: 'StateUpdate',
            StartDate: new Date(since),
            EndDate: new Date(until),
            ScanBy: 'TimestampAscending',
            MaxRecords: 100,
          }),
        );
      } catch (err) {
        throw describeAwsError(err, `the history of alarm ${alarm} in ${region}`, 'CloudWatch');
      }
      for (const item of res.AlarmHistoryItems ?? []) {
        const change = stateChange(item.HistoryData) ?? summaryChange(item.HistorySummary);
        if (item.Timestamp && change?.to === 'ALARM') {
          found.push({ alarm, region, at: item.Timestamp.getTime(), change: `${change.from} -> ALARM` });
          break;
        }
      }
    }
  }
  return found.sort((a, b) => a.at - b.at)[0];
}

/**
 * `{"oldState": {"stateValue": "OK"}, "newState": {"stateValue": "ALARM"}}` of a state update. The
 * API reference says only that HistoryData is JSON
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_AlarmHistoryItem.html):
 * without those fields the summary is read instead.
 */
function stateChange(data: string | undefined): { from: string; to: string } | undefined {
  try {
    const parsed = JSON.parse(data ?? '') as {
      oldState?: { stateValue?: string };
      newState?: { stateValue?: string };
    };
    const to = parsed.newState?.stateValue;
    return to ? { from: parsed.oldState?.stateValue ?? '?', to } : undefined;
  } catch {
    return undefined;
  }
}

/** `Alarm updated from OK to ALARM`, the HistorySummary of a state update. */
function summaryChange(summary: string | undefined): { from: string; to: string } | undefined {
  const match = /from (\w+) to (\w+)/.exec(summary ?? '');
  return match ? { from: match[1] as string, to: match[2] as string } : undefined;
}
