import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import {
  CANARY_METRICS,
  METRIC_NAMESPACE,
  REPLICATION_EVENT_METRICS,
  type ReplicationEventMetric,
  SOURCE_BUCKET_DIMENSION,
} from './contract';

/**
 * Builds the metrics our own functions publish (Embedded Metric Format, namespace S3DR/Replication,
 * dimension SourceBucket): replication events and the canary's measurements.
 */
export class TelemetryMetrics {
  constructor(private readonly sourceBucket: string) {}

  /** Count of one replication event type. */
  event(metricName: ReplicationEventMetric, period = Duration.minutes(5)): cloudwatch.Metric {
    return this.metric(metricName, cloudwatch.Stats.SUM, period);
  }

  /** Every replication event type, for the dashboard. */
  allEvents(): cloudwatch.Metric[] {
    return Object.values(REPLICATION_EVENT_METRICS).map((name) => this.event(name));
  }

  /** Seconds from a probe's write to its arrival in the replica. Maximum: the slowest probe counts. */
  canaryLatency(period = Duration.minutes(5)): cloudwatch.Metric {
    return this.metric(CANARY_METRICS.latency, cloudwatch.Stats.MAXIMUM, period);
  }

  canaryCompleted(period = Duration.minutes(5)): cloudwatch.Metric {
    return this.metric(CANARY_METRICS.completed, cloudwatch.Stats.SUM, period);
  }

  canaryOverdue(period = Duration.minutes(5)): cloudwatch.Metric {
    return this.metric(CANARY_METRICS.overdue, cloudwatch.Stats.SUM, period);
  }

  /** 1 in a run where the canary itself failed; published on every run, also the failed ones. */
  canaryErrors(period = Duration.minutes(5)): cloudwatch.Metric {
    return this.metric(CANARY_METRICS.errors, cloudwatch.Stats.MAXIMUM, period);
  }

  /** Replica with Object Lock: probes whose replica carries no retention. Maximum: one is enough. */
  canaryReplicasUnlocked(period = Duration.minutes(5)): cloudwatch.Metric {
    return this.metric(CANARY_METRICS.replicasUnlocked, cloudwatch.Stats.MAXIMUM, period);
  }

  private metric(metricName: string, statistic: string, period: Duration): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: METRIC_NAMESPACE,
      metricName,
      dimensionsMap: { [SOURCE_BUCKET_DIMENSION]: this.sourceBucket },
      statistic,
      period,
    });
  }
}
