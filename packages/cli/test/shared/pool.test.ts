import { forEachConcurrent } from '../../src/shared/pool';

test('GIVEN a stream that fails while a worker is busy WHEN the pool stops THEN it rethrows only after that worker finished', async () => {
  const events: string[] = [];
  let release: () => void = () => undefined;
  const busy = new Promise<void>((resolve) => {
    release = resolve;
  });
  async function* items(): AsyncGenerator<number> {
    yield 1;
    // The second pull fails (a listing that cannot continue) while item 1 is still being written.
    await new Promise((resolve) => setTimeout(resolve, 10));
    throw new Error('listing failed');
  }
  setTimeout(() => {
    events.push('worker released');
    release();
  }, 50);

  const error = await forEachConcurrent(items(), 4, async () => {
    await busy;
    events.push('worker done');
  }).catch((err: Error) => {
    events.push(`rejected: ${err.message}`);
  });

  expect(error).toBeUndefined();
  expect(events).toEqual(['worker released', 'worker done', 'rejected: listing failed']);
});

test('GIVEN a worker that fails WHEN others are in flight THEN the pool takes no new item and rethrows after they finish', async () => {
  const started: number[] = [];
  const finished: number[] = [];

  const error = await forEachConcurrent([1, 2, 3, 4, 5], 2, async (n) => {
    started.push(n);
    if (n === 1) throw new Error('first failed');
    await new Promise((resolve) => setTimeout(resolve, 20));
    finished.push(n);
  }).catch((err: Error) => err.message);

  expect(error).toBe('first failed');
  expect(started).toEqual([1, 2]);
  expect(finished).toEqual([2]);
});
