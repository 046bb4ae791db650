import { emfDocuments } from '../../lambda/emf';

describe('emfDocuments', () => {
  it('GIVEN 150 values of one metric WHEN built THEN two documents split them 100 + 50 and scalars stay in the first', () => {
    const values = Array.from({ length: 150 }, (_, i) => i);

    const documents = emfDocuments('bucket', 0, [
      { name: 'Latency', unit: 'Seconds', values },
      { name: 'Errors', unit: 'Count', values: 0 },
    ]);

    expect(documents.map((d) => [(d.Latency as number[]).length, d.Errors])).toEqual([
      [100, 0],
      [50, undefined],
    ]);
  });

  it('GIVEN a metric with no values WHEN built THEN the document does not declare it', () => {
    const [document] = emfDocuments('bucket', 0, [
      { name: 'Latency', unit: 'Seconds', values: [] },
      { name: 'Errors', unit: 'Count', values: 1 },
    ]);

    expect(document?._aws).toEqual({
      Timestamp: 0,
      CloudWatchMetrics: [
        {
          Namespace: 'S3DR/Replication',
          Dimensions: [['SourceBucket']],
          Metrics: [{ Name: 'Errors', Unit: 'Count' }],
        },
      ],
    });
  });
});
