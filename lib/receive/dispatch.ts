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

function call(
  emitter: EventEmitter,
  name: string,
  event: VioletEvent,
  errors: unknown[],
  pending: PromiseLike<unknown>[],
): void {
  if (emitter.listenerCount(name) === 0) return;
  // rawListeners keeps `once` wrappers, so a once-listener removes itself as emit would do.
  for (const listener of emitter.rawListeners(name) as Listener[]) {
    try {
      const result = listener.call(emitter, event);
      if (isThenable(result)) pending.push(result);
    } catch (error) {
      errors.push(error);
    }
  }
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

async function settle(
  event: VioletEvent,
  errors: unknown[],
  pending: PromiseLike<unknown>[],
): Promise<void> {
  const results = await Promise.allSettled(pending);
  for (const result of results) if (result.status === 'rejected') errors.push(result.reason);
  if (errors.length > 0) throw listenerFailed(event, errors);
}

/**
 * Step 9b: calls the listeners of the event's type (known types only), then those of `'*'`, in
 * registration order, each with the event. All returned promises are awaited together.
 * Returns undefined when every listener finished synchronously without throwing, so the
 * common synchronous case allocates no promise.
 */
export function dispatch(emitter: EventEmitter, event: VioletEvent): Promise<void> | undefined {
  const errors: unknown[] = [];
  const pending: PromiseLike<unknown>[] = [];
  if (event.family !== 'unknown') call(emitter, event.type, event, errors, pending);
  call(emitter, '*', event, errors, pending);
  if (pending.length === 0) {
    return errors.length === 0 ? undefined : Promise.reject(listenerFailed(event, errors));
  }
  return settle(event, errors, pending);
}
