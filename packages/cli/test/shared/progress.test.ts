import { createProgress } from '../../src/shared/progress';

/** A progress line on plain (non-terminal) stderr, with a clock the test moves. */
function plainProgress(total: number) {
  const lines: string[] = [];
  let now = 0;
  const progress = createProgress(
    { stdout: () => undefined, stderr: (text) => lines.push(text), stderrIsTTY: false },
    'probes arrived',
    total,
    () => now,
  );
  return { progress, lines, advance: (ms: number) => (now += ms) };
}

test('GIVEN plain stderr WHEN the last item was just drawn THEN done does not print the same line again', () => {
  const { progress, lines, advance } = plainProgress(1);
  advance(7000);

  progress.tick(1, 'latest 7.3s');
  progress.done();

  expect(lines).toEqual(['probes arrived: 1/1 latest 7.3s (7s)\n']);
});

test('GIVEN plain stderr WHEN items came after the last line drawn THEN done prints the final count', () => {
  const { progress, lines, advance } = plainProgress(2);
  advance(7000);
  progress.tick(1);
  advance(1000);

  progress.tick(1);
  progress.done();

  expect(lines).toEqual(['probes arrived: 1/2 (7s)\n', 'probes arrived: 2/2 (8s)\n']);
});

test('GIVEN work that took under a second WHEN done THEN the elapsed time is that fraction of a second, not 0ms', () => {
  const { progress, lines, advance } = plainProgress(305);
  advance(900);

  progress.tick(305);
  progress.done();

  expect(lines).toEqual(['probes arrived: 305/305 (0.9s)\n']);
});
