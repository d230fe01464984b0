/** What {@link settleWithin} resolves to when the deadline comes first. */
export const TIMED_OUT: unique symbol = Symbol('timed out');

/**
 * Waits at most `ms` for `work`: resolves to undefined when it succeeds in time, to its error
 * when it fails in time, and to {@link TIMED_OUT} otherwise. `work` goes on past the deadline.
 * It must reject with a value (the listeners' dispatch rejects with a `VioletWebhookError`):
 * a rejection with `undefined` would read as success.
 */
export function settleWithin(work: Promise<void>, ms: number): Promise<unknown> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms, TIMED_OUT);
    work.then(
      () => {
        clearTimeout(timer);
        resolve(undefined);
      },
      (error: unknown) => {
        clearTimeout(timer);
        resolve(error);
      },
    );
  });
}
