/**
 * Receives the primary bucket's S3 replication event notifications
 * (s3:Replication:OperationFailedReplication, OperationMissedThreshold,
 * OperationReplicatedAfterThreshold, OperationNotTracked) and turns each record into ONE JSON log
 * line that is both the structured log record and an EMF document: namespace S3DR/Replication,
 * dimension SourceBucket, metric named after the event, value 1, unit Count. One combined line per
 * event keeps the log and the metric from ever disagreeing and makes a metric datapoint
 * searchable by the object it is about.
 *
 * Record shape: docs.aws.amazon.com/AmazonS3/latest/userguide/replication-metrics-events.html
 * (eventVersion 2.2; eventName without the `s3:` prefix; s3.object.key URL-encoded with '+' for
 * spaces, per notification-content-structure.html; replicationEventData.failureReason only on
 * OperationFailedReplication, codes listed on the same page).
 *
 * Never throws: S3 invokes the function asynchronously, so a throw would make Lambda retry the
 * whole event and log (and count) every good record in it again. A record this function cannot
 * read becomes a WARN line instead.
 */
import { REPLICATION_EVENT_METRICS, type ReplicationEventMetric } from '../src/contract';
import { emfDocuments, type LogDocument, writeLine } from './emf';

export { METRIC_NAMESPACE, REPLICATION_EVENT_METRICS, SOURCE_BUCKET_DIMENSION } from '../src/contract';

const KNOWN_EVENTS: ReadonlySet<string> = new Set(Object.values(REPLICATION_EVENT_METRICS));

/** The longest slice of an unreadable record a WARN line quotes. */
const MAX_QUOTED_RECORD_CHARS = 1000;

/**
 * The log lines for an S3 notification event, one per record. `now` (epoch ms) is the EMF
 * timestamp: processing time rather than the event's time, so that a late delivery still lands
 * in the alarm's current evaluation period; the event's own time is the `time` field.
 */
export function describeReplicationEvent(event: unknown, now: number): LogDocument[] {
  const records = isObject(event) ? event.Records : undefined;
  if (!Array.isArray(records)) {
    return [warning('the event has no Records array', event)];
  }
  return records.map((record, index) => describeRecord(record, index, now));
}

function describeRecord(record: unknown, index: number, now: number): LogDocument {
  if (!isObject(record)) return warning('the record is not an object', record, index);
  const eventName = record.eventName;
  if (typeof eventName !== 'string') return warning('the record has no eventName', record, index);
  const event = replicationEvent(eventName);
  if (event === undefined) return warning(`not a replication event: ${eventName}`, record, index);
  const s3 = objectAt(record, 's3');
  const bucket = stringAt(objectAt(s3, 'bucket'), 'name');
  if (bucket === null || bucket === '') return warning('the record has no s3.bucket.name', record, index);
  const object = objectAt(s3, 'object');
  const encodedKey = stringAt(object, 'key');
  const data = objectAt(record, 'replicationEventData');
  const [line] = emfDocuments(bucket, now, [{ name: event, unit: 'Count', values: 1 }], {
    level: 'INFO',
    time: stringAt(record, 'eventTime'),
    event,
    bucket,
    key: encodedKey === null ? null : decodeKey(encodedKey),
    versionId: stringAt(object, 'versionId'),
    ruleId: stringAt(data, 'replicationRuleId'),
    destinationBucket: stringAt(data, 'destinationBucket'),
    operation: stringAt(data, 's3Operation'),
    requestTime: stringAt(data, 'requestTime'),
    reason: stringAt(data, 'failureReason'),
  });
  return line;
}

/** `Replication:OperationFailedReplication` (or with an `s3:` prefix) -> `OperationFailedReplication`. */
function replicationEvent(eventName: string): ReplicationEventMetric | undefined {
  const name = /^(?:s3:)?Replication:(\w+)$/.exec(eventName)?.[1];
  return name !== undefined && KNOWN_EVENTS.has(name) ? (name as ReplicationEventMetric) : undefined;
}

/** Keys arrive form-encoded: "red flower.jpg" is "red+flower.jpg". An invalid escape keeps the raw key. */
function decodeKey(key: string): string {
  try {
    return decodeURIComponent(key.replace(/\+/g, ' '));
  } catch {
    return key;
  }
}

function warning(message: string, record: unknown, index?: number): LogDocument {
  return {
    level: 'WARN',
    message: `ignored an S3 notification record: ${message}`,
    ...(index === undefined ? {} : { index }),
    record: quote(record),
  };
}

function quote(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > MAX_QUOTED_RECORD_CHARS ? `${text.slice(0, MAX_QUOTED_RECORD_CHARS)}...` : text;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function objectAt(
  parent: Record<string, unknown> | undefined,
  name: string,
): Record<string, unknown> | undefined {
  const value = parent?.[name];
  return isObject(value) ? value : undefined;
}

function stringAt(parent: Record<string, unknown> | undefined, name: string): string | null {
  const value = parent?.[name];
  return typeof value === 'string' ? value : null;
}

/** Lambda entry point. Returns nothing and never rejects (see the module comment). */
export async function handler(event: unknown): Promise<void> {
  for (const line of describeReplicationEvent(event, Date.now())) {
    writeLine(line);
  }
}
