import type { MetricSeries, ReplicationMetric } from './facts';
import { REPLICATION_METRICS } from './facts';
import { findRule } from './replication';
import { type Check, fail, type Outcome, pass, warn } from './types';

/** S3 RTC's promise: replicas within 15 minutes. */
export const RTC_THRESHOLD_SECONDS = 900;

/** The last hour of one metric, summarised: `value` is undefined when there are no datapoints. */
export interface MetricSummary {
  readonly datapoints: number;
  /** Maximum over the window for Maximum metrics, total for Sum metrics. */
  readonly value?: number;
  /** The newest datapoint. */
  readonly latest?: number;
}

export function summarise(metric: ReplicationMetric, series: MetricSeries): MetricSummary {
  const { values, timestamps } = series;
  if (values.length === 0) return { datapoints: 0 };
  const value =
    REPLICATION_METRICS[metric].stat === 'Sum' ? values.reduce((a, b) => a + b, 0) : Math.max(...values);
  let newest = 0;
  for (let i = 1; i < values.length; i++) {
    if ((timestamps[i]?.getTime() ?? 0) > (timestamps[newest]?.getTime() ?? 0)) newest = i;
  }
  return { datapoints: values.length, value, latest: values[newest] };
}

const NO_DATA = 'no data in the last hour (S3 publishes it only while objects replicate)';

/** A check of one replication metric over the last hour; `judge` sees only windows with data. */
function metricCheck(metric: ReplicationMetric, judge: (summary: Required<MetricSummary>) => Outcome): Check {
  const { name } = REPLICATION_METRICS[metric];
  return {
    id: `metrics.${metric}`,
    async run(scope) {
      // The rule is looked up even when its id is known (stack output, naming contract): without
      // the rule there is nothing replicating whose metrics could say anything, as replication.rule says.
      const found = await findRule(
        scope.target,
        scope.facts,
        scope.target.replicationRuleId ?? scope.names?.replicationRuleId,
      );
      if (!('rule' in found))
        return warn(`could not check ${name}: no replication rule (see replication.rule)`);
      const ruleId = found.rule.ID;
      if (!ruleId)
        return warn(`could not check ${name}: the replication rule id is unknown (see replication.rule)`);
      const series = await scope.facts.metrics(scope.target.source, scope.target.replica, ruleId);
      const summary = summarise(metric, series[metric]);
      if (summary.value === undefined || summary.latest === undefined) return pass(`${name}: ${NO_DATA}`);
      return judge(summary as Required<MetricSummary>);
    },
  };
}

export function latencyMetricCheck(): Check {
  return metricCheck('latency', ({ value, latest }) => {
    const text = `ReplicationLatency: max ${value} s in the last hour (latest ${latest} s)`;
    if (value > RTC_THRESHOLD_SECONDS) {
      return fail(
        `${text}, above the 15-minute RTC threshold`,
        "check metrics.failedOperations and the replication role's KMS permissions; `s3-dr probe` measures the latency now",
      );
    }
    return pass(text);
  });
}

export function pendingOperationsMetricCheck(): Check {
  return metricCheck('pendingOperations', ({ value, latest }) =>
    pass(`OperationsPendingReplication: max ${value} in the last hour (latest ${latest})`),
  );
}

export function pendingBytesMetricCheck(): Check {
  return metricCheck('pendingBytes', ({ value, latest }) =>
    pass(`BytesPendingReplication: max ${value} bytes in the last hour (latest ${latest})`),
  );
}

export function failedOperationsMetricCheck(): Check {
  return metricCheck('failedOperations', ({ value }) => {
    const text = `OperationsFailedReplication: ${value} in the last hour`;
    if (value > 0) {
      return fail(
        `${text}; S3 never retries a FAILED replication`,
        '`s3-dr verify` lists the objects missing from the replica; replicate them again with S3 Batch Replication',
      );
    }
    return pass(text);
  });
}
