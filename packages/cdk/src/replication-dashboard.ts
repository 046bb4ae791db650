import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import type { ReplicationMetrics } from './replication-metrics';
import type { TelemetryMetrics } from './telemetry-metrics';

export interface ReplicationDashboardProps {
  readonly dashboardName: string;
  readonly metrics: ReplicationMetrics;
  readonly telemetry: TelemetryMetrics;
  readonly alarms: cloudwatch.IAlarm[];
  /** The latency alarm's threshold, drawn on the latency graph. */
  readonly latencyThresholdSeconds: number;
  /** Two-way: the reverse rule (replica -> primary), shown beside the forward one. @default - one-way */
  readonly reverse?: ReverseDirectionWidgets;
}

/** What the dashboard shows of the reverse rule of two-way replication. */
export interface ReverseDirectionWidgets {
  /** Its metrics, with their region when it is not the dashboard's. */
  readonly metrics: ReplicationMetrics;
  /** Its alarms, when they are in the dashboard's region (an alarm widget cannot show another region's). */
  readonly alarms: cloudwatch.IAlarm[];
}

/**
 * One page for on-call: every alarm's state, how far behind, how much is queued, what failed,
 * what the canary measures and which replication events S3 reported.
 */
export class ReplicationDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: ReplicationDashboardProps) {
    super(scope, id);
    const { metrics } = props;
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
    });
    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({
        title: 'Alarms',
        alarms: [...props.alarms, ...(props.reverse?.alarms ?? [])],
        width: 24,
        height: 3,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Replication latency (seconds, maximum)',
        left: [metrics.latency()],
        leftYAxis: { min: 0, label: 'seconds', showUnits: false },
        leftAnnotations: [{ value: props.latencyThresholdSeconds, label: 'RTC threshold (15 min)' }],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Operations failed (sum)',
        left: [metrics.operationsFailed()],
        leftYAxis: { min: 0 },
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Operations pending (maximum)',
        left: [metrics.operationsPending()],
        leftYAxis: { min: 0 },
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Bytes pending (maximum)',
        left: [metrics.bytesPending()],
        leftYAxis: { min: 0 },
        width: 12,
      }),
    );
    if (props.reverse) this.addReverseWidgets(props.reverse, props.latencyThresholdSeconds);
    const { telemetry } = props;
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Canary replication latency (seconds, maximum) and probes',
        left: [telemetry.canaryLatency()],
        leftYAxis: { min: 0, label: 'seconds', showUnits: false },
        leftAnnotations: [{ value: props.latencyThresholdSeconds, label: 'RTC threshold (15 min)' }],
        right: [telemetry.canaryCompleted(), telemetry.canaryOverdue(), telemetry.canaryErrors()],
        rightYAxis: { min: 0 },
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Replication events by type (count)',
        left: telemetry.allEvents(),
        leftYAxis: { min: 0 },
        width: 12,
      }),
    );
  }

  /** The reverse rule's latency, failures and backlog, from the replica's region. */
  private addReverseWidgets(reverse: ReverseDirectionWidgets, latencyThresholdSeconds: number): void {
    const { metrics } = reverse;
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Reverse replication (replica -> primary) latency (seconds, maximum)',
        left: [metrics.latency()],
        leftYAxis: { min: 0, label: 'seconds', showUnits: false },
        leftAnnotations: [{ value: latencyThresholdSeconds, label: 'RTC threshold (15 min)' }],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Reverse replication operations failed (sum)',
        left: [metrics.operationsFailed()],
        leftYAxis: { min: 0 },
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Reverse replication pending (operations and bytes, maximum)',
        left: [metrics.operationsPending()],
        right: [metrics.bytesPending()],
        leftYAxis: { min: 0 },
        rightYAxis: { min: 0 },
        width: 8,
      }),
    );
  }
}
