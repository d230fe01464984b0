import type { Debugger } from 'debug';
import type { VioletWebhookError } from '../errors';
import type { ListenerRegistry } from './dispatch';

/**
 * Emits `error` on `'error'` of the middleware or a worker, only when someone listens (an
 * unheard `'error'` would throw and end the process); a listener that throws is logged, never
 * let through.
 */
export function emitError(
  target: ListenerRegistry,
  error: VioletWebhookError,
  debug: Debugger,
): void {
  if (target.listenerCount('error') === 0) return;
  try {
    target.emit('error', error);
  } catch (thrown) {
    debug('an error listener threw: %s', thrown instanceof Error ? thrown.name : typeof thrown);
  }
}
