/** What {@link settleWithin} resolves to when the deadline comes first. */
export const TIMED_OUT: unique symbol = Symbol('timed out');

/**
 * Waits at most `ms` for `work`: resolves to undefined when it succeeds in time, to its error
 * when it fails in time, and to {@link TIMED_OUT} otherwise. `work` goes on past the deadline.
 * It must reject with a value (the listeners' dispatch rejects with a `VioletWebhookError`):
 * a rejection with `undefined` would read as success. `settled` is told when `work` settles,
 * before or after the deadline.
 */
export function settleWithin(
  work: Promise<void>,
  ms: number,
  settled?: (error?: unknown) => void,
): Promise<unknown> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms, TIMED_OUT);
    work.then(
      () => {
        clearTimeout(timer);
        settled?.();
        resolve(undefined);
      },
      (error: unknown) => {
        clearTimeout(timer);
        settled?.(error);
        resolve(error);
      },
    );
  });
}
