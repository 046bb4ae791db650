/**
 * Ctrl-C handling for long work: the first SIGINT aborts the returned signal, so commands stop
 * taking new items, let the requests in flight finish and print what was done; a second SIGINT
 * calls `onSecond` (to say what is left to do by hand) and exits at once. `signals` are the
 * signals handled so (a drill also takes SIGTERM, which a CI runner sends a job it cancels).
 * `release` removes the handler.
 */
export function interruptSignal(
  onFirst: () => void,
  onSecond?: () => void,
  signals: readonly NodeJS.Signals[] = ['SIGINT'],
): { signal: AbortSignal; release: () => void } {
  const controller = new AbortController();
  const handler = (): void => {
    if (controller.signal.aborted) {
      onSecond?.();
      process.exit(130);
    }
    onFirst();
    controller.abort();
  };
  for (const name of signals) process.on(name, handler);
  return {
    signal: controller.signal,
    release: () => {
      for (const name of signals) process.off(name, handler);
    },
  };
}
