import { UnrecoverableError } from 'bullmq';

/**
 * Thrown by a worker's listener: this job can never succeed (an order that no longer exists, a
 * body the app refuses), so it fails at once instead of being tried again. It stays among the
 * failed jobs, for a person to look at or replay.
 *
 * @example
 * worker.on('ORDER_SHIPPED', async (event) => {
 *   if (!(await orders.exists(event.orderId))) throw new PermanentError(`no order ${event.orderId}`);
 * });
 */
export class PermanentError extends UnrecoverableError {
  constructor(message = 'the listener says this job cannot succeed') {
    super(message);
    this.name = 'PermanentError';
  }
}
