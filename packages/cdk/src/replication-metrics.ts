import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';

/** What identifies one replication rule's metrics: all three dimensions are required. */
export interface ReplicationMetricDimensions {
  readonly sourceBucket: string;
  readonly destinationBucket: string;
  readonly ruleId: string;
  /**
   * Region the metrics are read from: S3 publishes them in the source bucket's region. Only for
   * dashboards, which may show other regions; an alarm can only watch its own region's metrics.
   *
   * @default - the region of the stack that uses them
   */
  readonly region?: string;
}

export const REPLICATION_METRIC_PERIOD = Duration.minutes(5);

/**
 * Builds the S3 replication metrics (namespace AWS/S3), each with the statistic AWS recommends.
 * S3 publishes them only for rules with Metrics enabled (RTC turns them on), and only while objects
 * replicate. https://docs.aws.amazon.com/AmazonS3/latest/userguide/repl-metrics.html
 */
export class ReplicationMetrics {
  constructor(private readonly dimensions: ReplicationMetricDimensions) {}

  /** Seconds the destination is behind the source. Maximum: one slow object is the signal. */
  latency(): cloudwatch.Metric {
    return this.metric('ReplicationLatency', cloudwatch.Stats.MAXIMUM);
  }

  operationsPending(): cloudwatch.Metric {
    return this.metric('OperationsPendingReplication', cloudwatch.Stats.MAXIMUM);
  }

  bytesPending(): cloudwatch.Metric {
    return this.metric('BytesPendingReplication', cloudwatch.Stats.MAXIMUM);
  }

  /** Operations that failed to replicate; S3 does not retry them. Sum: every failure counts. */
  operationsFailed(): cloudwatch.Metric {
    return this.metric('OperationsFailedReplication', cloudwatch.Stats.SUM);
  }

  // No label: a labelled metric makes CDK render alarms in the metric-math form.
  private metric(metricName: string, statistic: string): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/S3',
      metricName,
      dimensionsMap: {
        SourceBucket: this.dimensions.sourceBucket,
        DestinationBucket: this.dimensions.destinationBucket,
        RuleId: this.dimensions.ruleId,
      },
      statistic,
      period: REPLICATION_METRIC_PERIOD,
      ...(this.dimensions.region ? { region: this.dimensions.region } : {}),
    });
  }
}
