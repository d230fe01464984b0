import type { ConnectionOptions } from 'bullmq';
import { optionError } from '../check-option';

/**
 * Where a queue and its workers find Redis: ioredis options, or an ioredis client (then give it
 * `enableOfflineQueue: false`, so that a delivery fails fast rather than wait in memory).
 *
 * @example
 * const connection: VioletConnection = { host: '127.0.0.1', port: 6379 };
 */
export type VioletConnection = ConnectionOptions;

/** Whether a connection is a client instance rather than options to make one. */
export function isClient(connection: unknown): boolean {
  return typeof (connection as { duplicate?: unknown } | null)?.duplicate === 'function';
}

/**
 * The `connection` and `name` that `bullmqQueue()` and `createVioletWorker()` both take, checked
 * the same way.
 */
export function checkQueueAddress(
  owner: string,
  options: { connection?: unknown; name?: unknown },
): { connection: VioletConnection; name: string } {
  const { connection, name } = options;
  if (typeof connection !== 'object' || connection === null) {
    optionError(owner, 'connection', 'is required: ioredis options or an ioredis client');
  }
  if (typeof name !== 'string' || name === '') {
    optionError(owner, 'name', 'must be the queue name, the same for the queue and its workers');
  }
  return { connection: connection as VioletConnection, name };
}
