import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';

export interface AnyEventAlarmProps {
  readonly alarmName: string;
  readonly alarmDescription: string;
  /** Counts events: a sum per period, or an expression over such sums. */
  readonly metric: cloudwatch.IMetric;
  /** Notified when the alarm goes to ALARM and back to OK. */
  readonly topic: sns.ITopic;
  /**
   * What a period without data means.
   * @default TreatMissingData.NOT_BREACHING - sparse events: nothing happened
   */
  readonly treatMissingData?: cloudwatch.TreatMissingData;
}

/**
 * An alarm on sparse events: it fires when `metric` is above 0 in a period. Such metrics publish
 * nothing while nothing happens, so missing data counts as good news.
 */
export function anyEventAlarm(scope: Construct, id: string, props: AnyEventAlarmProps): cloudwatch.Alarm {
  const alarm = new cloudwatch.Alarm(scope, id, {
    alarmName: props.alarmName,
    alarmDescription: props.alarmDescription,
    metric: props.metric,
    threshold: 0,
    evaluationPeriods: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    treatMissingData: props.treatMissingData ?? cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  alarm.addAlarmAction(new actions.SnsAction(props.topic));
  alarm.addOkAction(new actions.SnsAction(props.topic));
  return alarm;
}

/**
 * A metric of an EventBridge rule on the default event bus, summed per 5 minutes: `TriggeredRules`
 * (times it matched an event) or `FailedInvocations` (times it could not deliver to a target).
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html
 */
export function eventRuleMetric(
  metricName: 'TriggeredRules' | 'FailedInvocations',
  ruleName: string,
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/Events',
    metricName,
    dimensionsMap: { RuleName: ruleName },
    statistic: 'Sum',
    period: Duration.minutes(5),
  });
}
