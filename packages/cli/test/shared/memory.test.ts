import { memoryCollector } from '../../src/shared/memory';

// When listings collect garbage: measured memory and collections are injected, so each step is seen.

function run(readings: number[], budget: number): number[] {
  const collectedAt: number[] = [];
  let call = 0;
  let i = 0;
  const check = memoryCollector(
    budget,
    () => readings[i++] as number,
    () => collectedAt.push(call),
  );
  while (i < readings.length) {
    call++;
    check();
  }
  return collectedAt;
}

test('GIVEN memory within the budget of the first reading WHEN checked per page THEN nothing is collected', () => {
  expect(run([10, 20, 42, 30], 32)).toEqual([]);
});

test('GIVEN memory past the budget WHEN checked THEN it collects, and counts the next budget from what is left', () => {
  // Page 1 reads 10: collect above 42. Page 2 reads 43: collect, 40 left: collect above 72.
  // Page 3 reads 50, page 4 72, page 5 73: collect.
  expect(run([10, 43, 40, 50, 72, 73, 60], 32)).toEqual([2, 5]);
});

test('GIVEN a working set that stays above the first budget WHEN checked per page THEN it does not collect on every page', () => {
  // Page 2 reads 100 (collected: 100 left); pages 3 to 21 read 101 to 119, within 100 + 32.
  const readings = [10, 100, 100, ...Array.from({ length: 19 }, (_, i) => 101 + i)];
  expect(run(readings, 32)).toEqual([2]);
});
