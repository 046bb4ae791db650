/**
 * CloudWatch Embedded Metric Format: a JSON log line whose `_aws` member tells CloudWatch Logs to
 * extract metrics from it. No API call and no cloudwatch:PutMetricData permission are needed.
 * Spec: docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */
import { METRIC_NAMESPACE, SOURCE_BUCKET_DIMENSION } from '../src/contract';

export type MetricUnit = 'Count' | 'Seconds';

export interface MetricDatum {
  readonly name: string;
  readonly unit: MetricUnit;
  /** One value, or several (one datapoint each). An empty list publishes nothing. */
  readonly values: number | readonly number[];
}

/** A JSON object written as one log line. */
export type LogDocument = Record<string, unknown>;

/** EMF allows at most 100 values in one metric's array. */
const MAX_VALUES_PER_DOCUMENT = 100;

/**
 * EMF documents for `metrics` under namespace S3DR/Replication with dimension SourceBucket.
 * `properties` are ordinary log fields kept in the first document. Usually one document; more only
 * when a metric has over 100 values, the rest of which go to continuation documents.
 */
export function emfDocuments(
  sourceBucket: string,
  timestamp: number,
  metrics: readonly MetricDatum[],
  properties: LogDocument = {},
): LogDocument[] {
  const documents: LogDocument[] = [];
  for (let part = 0; ; part++) {
    const inPart: { name: string; unit: MetricUnit; value: number | number[] }[] = [];
    for (const metric of metrics) {
      if (typeof metric.values === 'number') {
        if (part === 0) inPart.push({ name: metric.name, unit: metric.unit, value: metric.values });
        continue;
      }
      const slice = metric.values.slice(part * MAX_VALUES_PER_DOCUMENT, (part + 1) * MAX_VALUES_PER_DOCUMENT);
      if (slice.length > 0) inPart.push({ name: metric.name, unit: metric.unit, value: slice });
    }
    if (inPart.length === 0) return documents;
    documents.push({
      ...(part === 0 ? properties : {}),
      [SOURCE_BUCKET_DIMENSION]: sourceBucket,
      ...Object.fromEntries(inPart.map((m) => [m.name, m.value])),
      _aws: {
        Timestamp: timestamp,
        CloudWatchMetrics: [
          {
            Namespace: METRIC_NAMESPACE,
            Dimensions: [[SOURCE_BUCKET_DIMENSION]],
            Metrics: inPart.map((m) => ({ Name: m.name, Unit: m.unit })),
          },
        ],
      },
    });
  }
}

/**
 * Writes one JSON document as one stdout line. Lambda sends stdout to the function's log group.
 * Not console.log: in Lambda's Text log format it prefixes time, request id and level, and EMF
 * requires the log event to be the JSON object and nothing else.
 */
export function writeLine(document: LogDocument): void {
  process.stdout.write(`${JSON.stringify(document)}\n`);
}
