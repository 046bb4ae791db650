import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import type { ReplicationMetrics } from './replication-metrics';

export interface ReplicationDashboardProps {
  readonly dashboardName: string;
  readonly metrics: ReplicationMetrics;
  readonly alarms: readonly cloudwatch.IAlarm[];
  /** The latency alarm's threshold, drawn on the latency graph. */
  readonly latencyThresholdSeconds: number;
}

/** One page for on-call: how far behind, how much is queued, what failed, and every alarm's state. */
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
  }
}
