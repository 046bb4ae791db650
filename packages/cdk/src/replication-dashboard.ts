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
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: [...props.alarms], width: 24, height: 3 }),
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
}
