import type { EventEmitter } from 'node:events';
import { VioletWebhookError } from '../errors';
import type { VioletEvent } from '../events';

type Listener = (event: VioletEvent) => unknown;

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
 * Calls listeners the way the pipeline needs: of the event's type (known types only), then of
 * `'*'`, in registration order, all promises awaited together. The listener lists are copied
 * from the emitter once per change (the owner calls `invalidate()`), not once per delivery.
 * A `once` wrapper that fired stays in the copy until the next change; calling it again does
 * nothing, as Node's once wrappers ignore a second call.
 */
export class Dispatcher {
  private readonly cache = new Map<string, readonly Listener[]>();

  constructor(private readonly emitter: EventEmitter) {}

  /** Forgets the copied lists; call after any change to the listeners. */
  invalidate(): void {
    this.cache.clear();
  }

  private listenersOf(name: string): readonly Listener[] {
    let listeners = this.cache.get(name);
    if (listeners === undefined) {
      // rawListeners keeps `once` wrappers, so a once-listener removes itself as emit would do.
      listeners = this.emitter.rawListeners(name) as Listener[];
      this.cache.set(name, listeners);
    }
    return listeners;
  }

  /**
   * Returns undefined when every listener finished synchronously without throwing, so the
   * common synchronous case allocates no promise; else a promise of their outcome.
   */
  dispatch(event: VioletEvent): Promise<void> | undefined {
    let errors: unknown[] | undefined;
    let pending: PromiseLike<unknown>[] | undefined;
    const lists =
      event.family === 'unknown'
        ? [this.listenersOf('*')]
        : [this.listenersOf(event.type), this.listenersOf('*')];
    for (const listeners of lists) {
      for (const listener of listeners) {
        try {
          const result = listener.call(this.emitter, event);
          if (isThenable(result)) (pending ??= []).push(result);
        } catch (error) {
          (errors ??= []).push(error);
        }
      }
    }
    if (pending === undefined) {
      return errors === undefined ? undefined : Promise.reject(listenerFailed(event, errors));
    }
    return settle(event, errors ?? [], pending);
  }
}

async function settle(
  event: VioletEvent,
  errors: unknown[],
  pending: PromiseLike<unknown>[],
): Promise<void> {
  if (pending.length === 1) {
    try {
      await pending[0];
    } catch (error) {
      errors.push(error);
    }
  } else {
    const results = await Promise.allSettled(pending);
    for (const result of results) if (result.status === 'rejected') errors.push(result.reason);
  }
  if (errors.length > 0) throw listenerFailed(event, errors);
}
