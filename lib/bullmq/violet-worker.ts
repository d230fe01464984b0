import { Worker } from 'bullmq';
import createDebug from 'debug';
import type { VioletWebhookError } from '../errors';
import type { VioletEventType } from '../event-types';
import type { VioletEvent, VioletEventOf } from '../events';
import { mixInEmitter } from '../mix-in-emitter';
import { Dispatcher, type ListenerRegistry } from '../receive/dispatch';
import { emitError } from '../receive/emit-error';
import { JobProcessor } from './process-job';
import { reportOtherFailures } from './report-other-failures';
import type { VioletJob } from './violet-job';
import { resolveWorkerOptions, type VioletWorkerOptions } from './worker-options';

export type { VioletJob } from './violet-job';
export type { VioletWorkerOptions } from './worker-options';

const debug = createDebug('violet-webhooks:bullmq');

/** The listener type of every name a worker emits. */
export type VioletWorkerListeners = {
  [K in VioletEventType]: (event: VioletEventOf<K>, job: VioletJob) => unknown;
} & {
  '*': (event: VioletEvent, job: VioletJob) => unknown;
  error: (error: VioletWebhookError) => unknown;
};

/**
 * A worker: it rebuilds each job's event as the middleware would have built it, and calls the
 * listeners of its type, then of `'*'`.
 *
 * @example
 * const worker = createVioletWorker({ connection, name: 'violet-webhooks' });
 * worker.on('ORDER_SHIPPED', async (event) => ship(event.bag));
 * process.once('SIGTERM', () => worker.close());
 */
export interface VioletWorker {
  on<K extends keyof VioletWorkerListeners>(name: K, listener: VioletWorkerListeners[K]): this;
  once<K extends keyof VioletWorkerListeners>(name: K, listener: VioletWorkerListeners[K]): this;
  off<K extends keyof VioletWorkerListeners>(name: K, listener: VioletWorkerListeners[K]): this;
  removeListener<K extends keyof VioletWorkerListeners>(
    name: K,
    listener: VioletWorkerListeners[K],
  ): this;
  removeAllListeners(name?: keyof VioletWorkerListeners): this;
  listenerCount(name: keyof VioletWorkerListeners): number;
  /** The BullMQ worker itself. */
  readonly worker: Worker;
  /** Lets active jobs finish (for at most `timeoutMs`, then stops them), then closes. */
  close(options?: { timeoutMs?: number | undefined }): Promise<void>;
}

function reportTo(target: ListenerRegistry, error: VioletWebhookError): void {
  debug(
    '%s %s %s attempt %s',
    error.code,
    error.eventType ?? '-',
    error.eventId ?? '-',
    error.attempt ?? '-',
  );
  emitError(target, error, debug);
}

/**
 * Creates a worker for the queue that `bullmqQueue()` fills. A listener that throws fails the
 * attempt, and BullMQ tries the job again (the job's `attempts` and `backoff`); `PermanentError`
 * fails it at once. Every failed attempt is emitted on `'error'`, the last as `RETRIES_EXHAUSTED`.
 *
 * @example
 * const worker = createVioletWorker({ connection, name: 'violet-webhooks', concurrency: 10 });
 * worker.on('ORDER_SHIPPED', async (event, job) => notify(event.order, job.attempt));
 */
export function createVioletWorker(options: VioletWorkerOptions): VioletWorker {
  const resolved = resolveWorkerOptions(options);
  const { name } = resolved;
  const target = { close: async () => undefined } as unknown as VioletWorker & ListenerRegistry;
  const dispatcher = new Dispatcher(target);
  mixInEmitter(target, () => dispatcher.invalidate());
  const processor = new JobProcessor({
    queueName: name,
    rules: resolved.rules,
    dispatcher,
    telemetry: resolved.telemetry,
    report: (error) => reportTo(target, error),
  });

  const worker = new Worker(name, processor.run, resolved.bullmq);
  // Without a listener, a connection error would be thrown and end the process.
  worker.on('error', (error: Error) => debug('worker %s: %s', name, error.message));
  reportOtherFailures(worker, processor.reported, (error) => reportTo(target, error));
  Object.defineProperty(target, 'worker', { value: worker, enumerable: true });
  Object.defineProperty(target, 'close', {
    value: async (opts: { timeoutMs?: number | undefined } = {}) => {
      if (opts.timeoutMs === undefined) return worker.close();
      // Stop taking jobs, wait for the running ones but not past the deadline, then close (by
      // force when late). BullMQ's own waiting cannot be bounded: a close() under way cannot be
      // forced, and a process whose waiting pause() was cut short does not exit.
      await worker.pause(true);
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => {
        timer = setTimeout(resolve, opts.timeoutMs, 'late');
      });
      const outcome = await Promise.race([processor.running.idle(), late]);
      clearTimeout(timer);
      await worker.close(outcome === 'late');
    },
  });
  return target;
}
