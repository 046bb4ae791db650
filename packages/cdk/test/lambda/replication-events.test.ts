import { describeReplicationEvent, handler } from '../../lambda/replication-events';

const NOW = Date.parse('2024-09-05T21:04:33.000Z');

/**
 * The s3:Replication:OperationFailedReplication message from
 * docs.aws.amazon.com/AmazonS3/latest/userguide/replication-metrics-events.html, verbatim.
 * The docs show no example for the other three events; they share this structure (eventVersion
 * 2.2) without `failureReason`, which only failures carry.
 */
function documentedRecord(eventName: string, withFailureReason: boolean) {
  return {
    eventVersion: '2.2',
    eventSource: 'aws:s3',
    awsRegion: 'us-east-1',
    eventTime: '2024-09-05T21:04:32.527Z',
    eventName,
    userIdentity: { principalId: 's3.amazonaws.com' },
    requestParameters: { sourceIPAddress: 's3.amazonaws.com' },
    responseElements: {
      'x-amz-request-id': '123bf045-2b4b-4ca8-a211-c34a63c59426',
      'x-amz-id-2': '12VAWNDIHnwJsRhTccqQTeAPoXQmRt22KkewMV8G3XZihAuf9CLDdmkApgZzudaIe2KlLfDqGS0=',
    },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: 'ReplicationEventName',
      bucket: {
        name: 'amzn-s3-demo-bucket1',
        ownerIdentity: { principalId: '111122223333' },
        arn: 'arn:aws:s3:::amzn-s3-demo-bucket1',
      },
      object: {
        key: 'replication-object-put-test.png',
        size: 520080,
        eTag: 'e12345ca7e88a38428305d3ff7fcb99f',
        versionId: 'abcdeH0Xp66ep__QDjR76LK7Gc9X4wKO',
        sequencer: '0066DA1CBF104C0D51',
      },
    },
    replicationEventData: {
      replicationRuleId: 'notification-test-replication-rule',
      destinationBucket: 'arn:aws:s3:::amzn-s3-demo-bucket2',
      s3Operation: 'OBJECT_PUT',
      requestTime: '2024-09-05T21:03:59.168Z',
      ...(withFailureReason ? { failureReason: 'AssumeRoleNotPermitted' } : {}),
    },
  };
}

function expectedLine(event: string, reason: string | null) {
  return {
    level: 'INFO',
    time: '2024-09-05T21:04:32.527Z',
    event,
    bucket: 'amzn-s3-demo-bucket1',
    key: 'replication-object-put-test.png',
    versionId: 'abcdeH0Xp66ep__QDjR76LK7Gc9X4wKO',
    ruleId: 'notification-test-replication-rule',
    destinationBucket: 'arn:aws:s3:::amzn-s3-demo-bucket2',
    operation: 'OBJECT_PUT',
    requestTime: '2024-09-05T21:03:59.168Z',
    reason,
    SourceBucket: 'amzn-s3-demo-bucket1',
    [event]: 1,
    _aws: {
      Timestamp: NOW,
      CloudWatchMetrics: [
        {
          Namespace: 'S3DR/Replication',
          Dimensions: [['SourceBucket']],
          Metrics: [{ Name: event, Unit: 'Count' }],
        },
      ],
    },
  };
}

describe('describeReplicationEvent', () => {
  it.each([
    ['OperationFailedReplication', 'AssumeRoleNotPermitted'],
    ['OperationMissedThreshold', null],
    ['OperationReplicatedAfterThreshold', null],
    ['OperationNotTracked', null],
  ])(
    'GIVEN a documented Replication:%s record WHEN described THEN one log line carries the record and its EMF count',
    (event, reason) => {
      const lines = describeReplicationEvent(
        { Records: [documentedRecord(`Replication:${event}`, reason !== null)] },
        NOW,
      );

      expect(lines).toEqual([expectedLine(event, reason)]);
    },
  );

  it('GIVEN a URL-encoded key WHEN described THEN the line holds the decoded key', () => {
    const record = documentedRecord('Replication:OperationFailedReplication', true);
    record.s3.object.key = 'reports/red+flower%281%29+%C3%A9t%C3%A9%2B1.jpg';

    const [line] = describeReplicationEvent({ Records: [record] }, NOW);

    expect(line?.key).toBe('reports/red flower(1) été+1.jpg');
  });

  it('GIVEN a key with an invalid escape WHEN described THEN the line keeps the key as received', () => {
    const record = documentedRecord('Replication:OperationFailedReplication', true);
    record.s3.object.key = '100%+done';

    const [line] = describeReplicationEvent({ Records: [record] }, NOW);

    expect(line?.key).toBe('100%+done');
  });

  it('GIVEN a record without its s3 member WHEN described THEN one warning line replaces it and no metric is emitted', () => {
    const lines = describeReplicationEvent(
      { Records: [{ eventName: 'Replication:OperationFailedReplication' }] },
      NOW,
    );

    expect(lines).toEqual([
      {
        level: 'WARN',
        message: 'ignored an S3 notification record: the record has no s3.bucket.name',
        index: 0,
        record: '{"eventName":"Replication:OperationFailedReplication"}',
      },
    ]);
  });

  it('GIVEN a record of another event type WHEN described THEN it becomes a warning', () => {
    const record = documentedRecord('ObjectCreated:Put', false);

    const lines = describeReplicationEvent({ Records: [record] }, NOW);

    expect(lines).toEqual([
      expect.objectContaining({
        level: 'WARN',
        message: 'ignored an S3 notification record: not a replication event: ObjectCreated:Put',
      }),
    ]);
  });

  it('GIVEN an event without a Records array WHEN described THEN it becomes a warning', () => {
    const lines = describeReplicationEvent({ Service: 'Amazon S3', Event: 's3:TestEvent' }, NOW);

    expect(lines).toEqual([
      expect.objectContaining({
        level: 'WARN',
        message: 'ignored an S3 notification record: the event has no Records array',
      }),
    ]);
  });

  it('GIVEN a malformed record before a valid one WHEN described THEN the valid one is still counted', () => {
    const lines = describeReplicationEvent(
      { Records: [null, documentedRecord('Replication:OperationMissedThreshold', false)] },
      NOW,
    );

    expect(lines.map((line) => [line.level, line.OperationMissedThreshold])).toEqual([
      ['WARN', undefined],
      ['INFO', 1],
    ]);
  });
});

describe('handler', () => {
  let written: string[];

  beforeEach(() => {
    written = [];
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
  });

  afterEach(() => jest.restoreAllMocks());

  it('GIVEN two records WHEN invoked THEN it writes one JSON line per record to stdout', async () => {
    await handler({
      Records: [
        documentedRecord('Replication:OperationFailedReplication', true),
        documentedRecord('Replication:OperationNotTracked', false),
      ],
    });

    expect(written.map((line) => JSON.parse(line).event)).toEqual([
      'OperationFailedReplication',
      'OperationNotTracked',
    ]);
    expect(written.every((line) => line.endsWith('}\n') && !line.slice(0, -1).includes('\n'))).toBe(true);
  });

  it('GIVEN a payload that is not an S3 event WHEN invoked THEN it resolves after logging a warning', async () => {
    await expect(handler('not an event')).resolves.toBeUndefined();

    expect(written.map((line) => JSON.parse(line).level)).toEqual(['WARN']);
  });
});
