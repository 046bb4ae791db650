/**
 * Ctrl-C handling for long work: the first SIGINT aborts the returned signal, so commands stop
 * taking new items, let the requests in flight finish and print what was done; a second SIGINT
 * exits at once. `release` removes the handler.
 */
export function interruptSignal(onFirst: () => void): { signal: AbortSignal; release: () => void } {
  const controller = new AbortController();
  const handler = (): void => {
    if (controller.signal.aborted) {
      process.exit(130);
    }
    onFirst();
    controller.abort();
  };
  process.on('SIGINT', handler);
  return { signal: controller.signal, release: () => process.off('SIGINT', handler) };
}
