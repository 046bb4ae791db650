import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { firstAlarm } from '../../../src/commands/drill/stages/alarm-history';
import { type MockedAlarmHistory, mockAlarmHistory } from '../../support/drill';

let history: MockedAlarmHistory;
afterEach(() => history.restore());

const cloudWatch = () =>
  new CloudWatchClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });

describe('GIVEN an alarm that entered ALARM after the pause began', () => {
  it.each([
    ['HistoryData with its old and new state', false],
    ['HistoryData without them (the summary says it)', true],
  ])('WHEN its history item has %s THEN that transition is the first', async (_, summaryOnly) => {
    history = mockAlarmHistory({ name: 's3-replication-latency-x', afterMs: 0, summaryOnly });
    const since = Date.now() - 1000;

    const found = await firstAlarm(
      cloudWatch,
      new Map([['us-east-1', ['s3-replication-failed-x', 's3-replication-latency-x']]]),
      since,
      Date.now(),
    );

    expect(found).toEqual({
      alarm: 's3-replication-latency-x',
      region: 'us-east-1',
      at: since,
      change: 'OK -> ALARM',
    });
    expect(history.calls.map((c) => c.AlarmName)).toEqual([
      's3-replication-failed-x',
      's3-replication-latency-x',
    ]);
  });

  it('WHEN no alarm entered ALARM THEN there is none', async () => {
    history = mockAlarmHistory();

    expect(
      await firstAlarm(cloudWatch, new Map([['us-east-1', ['a']]]), Date.now() - 1000, Date.now()),
    ).toBeUndefined();
  });
});
