import { VioletWebhookError } from '../errors';
import type { VioletEvent } from '../events';

type Listener = (event: VioletEvent, job?: unknown) => unknown;

/** The listeners' side of the middleware: its EventEmitter methods that the pipeline uses. */
export interface ListenerRegistry {
  rawListeners(name: string): unknown[];
  listenerCount(name: string): number;
  emit(name: string, ...args: unknown[]): boolean;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as PromiseLike<unknown>).then === 'function'
  );
}

function listenerFailed(event: VioletEvent, errors: unknown[]): VioletWebhookError {
  const cause =
    errors.length === 1
      ? errors[0]
      : new AggregateError(errors, `${errors.length} listeners failed`);
  return new VioletWebhookError(
    'LISTENER_FAILED',
    `a listener of ${event.type} failed; Violet will retry the delivery`,
    { eventType: event.type, eventId: event.id, cause },
  );
}

/**
 * Step 10: calls listeners the way the pipeline needs: of the event's type (known types only), then of
 * `'*'`, in registration order, all promises awaited together. For each type, the list of its
 * listeners followed by those of `'*'` is copied from the emitter once per change (the owner
 * calls `invalidate()`), not once per delivery, so a delivery allocates nothing to find them.
 * A `once` wrapper that fired stays in the copy until the next change; calling it again does
 * nothing, as Node's once wrappers ignore a second call.
 */
export class Dispatcher {
  private readonly cache = new Map<string, readonly Listener[]>();

  constructor(private readonly emitter: ListenerRegistry) {}

  /** Forgets the copied lists; call after any change to the listeners. */
  invalidate(): void {
    this.cache.clear();
  }

  /** The listeners of `event`'s type, then of `'*'`; only those of `'*'` for an unknown type. */
  private listenersFor(event: VioletEvent): readonly Listener[] {
    // Unknown types share one entry: their names come from the sender and are not a closed set.
    const key = event.family === 'unknown' ? '*' : event.type;
    let listeners = this.cache.get(key);
    if (listeners === undefined) {
      // rawListeners keeps `once` wrappers, so a once-listener removes itself as emit would do.
      const everyType = this.emitter.rawListeners('*') as Listener[];
      listeners =
        key === '*' ? everyType : [...(this.emitter.rawListeners(key) as Listener[]), ...everyType];
      this.cache.set(key, listeners);
    }
    return listeners;
  }

  /**
   * Returns undefined when every listener finished synchronously without throwing, so the
   * common synchronous case allocates no promise; else a promise of their outcome.
   */
  dispatch(event: VioletEvent, job?: unknown): Promise<void> | undefined {
    let errors: unknown[] | undefined;
    let pending: PromiseLike<unknown>[] | undefined;
    for (const listener of this.listenersFor(event)) {
      try {
        // `this` in a listener is the middleware (or the worker), as in Node's own emit; a
        // worker's listeners also get the job.
        const result =
          job === undefined
            ? listener.call(this.emitter, event)
            : listener.call(this.emitter, event, job);
        if (isThenable(result)) (pending ??= []).push(result);
      } catch (error) {
        (errors ??= []).push(error);
      }
    }
    if (pending === undefined) {
      return errors === undefined ? undefined : Promise.reject(listenerFailed(event, errors));
    }
    return settle(event, errors ?? [], pending);
  }
}

/** The listeners' promises, settled: one awaited without an async frame, several together. */
function settle(
  event: VioletEvent,
  errors: unknown[],
  pending: PromiseLike<unknown>[],
): Promise<void> {
  const [only] = pending;
  if (pending.length === 1 && errors.length === 0 && only !== undefined) {
    return Promise.resolve(only).then(ignore, (error: unknown) => {
      throw listenerFailed(event, [error]);
    });
  }
  return settleAll(event, errors, pending);
}

async function settleAll(
  event: VioletEvent,
  errors: unknown[],
  pending: PromiseLike<unknown>[],
): Promise<void> {
  const results = await Promise.allSettled(pending);
  for (const result of results) if (result.status === 'rejected') errors.push(result.reason);
  if (errors.length > 0) throw listenerFailed(event, errors);
}

function ignore(): void {}
