import {
  UnrecoverableError,
  Worker,
  type ConnectionOptions,
  type Job,
  type WorkerOptions,
} from 'bullmq';
import createDebug from 'debug';
import { VioletWebhookError, isVioletWebhookError } from '../errors';
import type { VioletEventType } from '../event-types';
import type { VioletEvent, VioletEventOf } from '../events';
import { mixInEmitter } from '../mix-in-emitter';
import { checkSchemas, checkTelemetry, type JsonSchema } from '../options';
import { Dispatcher, type ListenerRegistry } from '../receive/dispatch';
import { emitError } from '../receive/emit-error';
import { eventFromBody, type EventRules } from '../receive/event-from-body';
import type { Telemetry } from '../receive/telemetry';
import { createValidator } from '../receive/validate-payload';
import { fromJobData } from './job-data';
import { reportOtherFailures } from './report-other-failures';
import { RunningJobs } from './running-jobs';

const debug = createDebug('violet-webhooks:bullmq');

/**
 * The job a worker's listener runs in.
 *
 * @example
 * worker.on('ORDER_SHIPPED', (event, job) => log(job.id, `attempt ${job.attempt} of ${job.maxAttempts}`));
 */
export interface VioletJob {
  /** `violet-<event id>`. */
  readonly id: string;
  /** The event type. */
  readonly name: string;
  /** 1 for the first attempt. */
  readonly attempt: number;
  readonly maxAttempts: number;
}

/**
 * Options of {@link createVioletWorker}: the queue's `connection`, `name` and `prefix` as given
 * to `bullmqQueue`, how the event is checked, and BullMQ's worker options.
 *
 * @example
 * createVioletWorker({ connection, name: 'violet-webhooks', concurrency: 10, lockDuration: 60_000 });
 */
export interface VioletWorkerOptions extends Omit<
  WorkerOptions,
  'connection' | 'prefix' | 'autorun' | 'name' | 'telemetry'
> {
  connection: ConnectionOptions;
  name: string;
  prefix?: string | undefined;
  /** As the middleware's: `'strict'` (default) validates the body again, with these schemas. */
  validation?: 'strict' | 'off' | undefined;
  schemas?: Partial<Record<VioletEventType, JsonSchema>> | undefined;
  /** Spans and metrics: `openTelemetry()` from `express-violet-webhooks/otel`. */
  telemetry?: Telemetry | undefined;
}

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
  const { connection, name, prefix, validation, schemas, telemetry, ...workerOptions } =
    options ?? {};
  if (typeof name !== 'string' || name === '') {
    throw new TypeError(
      'express-violet-webhooks: createVioletWorker option `name` must be the queue name',
    );
  }
  const rules: EventRules = {
    validate: validation === 'off' ? undefined : createValidator(checkSchemas(schemas)),
    unknownTopics: 'accept',
  };
  const traced = checkTelemetry(telemetry);
  const target = { close: async () => undefined } as unknown as VioletWorker & ListenerRegistry;
  const dispatcher = new Dispatcher(target);
  mixInEmitter(target, () => dispatcher.invalidate());

  const running = new RunningJobs();
  // The errors whose failure has reached 'error' already, so that none is reported twice.
  const reported = new WeakSet<Error>();
  const once = (error: Error): Error => {
    reported.add(error);
    return error;
  };

  async function process(job: Job): Promise<void> {
    running.started();
    try {
      return await processJob(job);
    } finally {
      running.ended();
    }
  }

  async function processJob(job: Job): Promise<void> {
    const data = fromJobData(job.data);
    const info: VioletJob = {
      id: String(job.id),
      name: job.name,
      attempt: job.attemptsMade + 1,
      maxAttempts: job.opts.attempts ?? 1,
    };
    if (data === undefined) {
      // Reported as the job fails, by reportOtherFailures.
      throw new UnrecoverableError('its data is of an unknown format (another version wrote it?)');
    }
    let event: VioletEvent;
    try {
      ({ event } = eventFromBody(
        {
          headers: data.headers,
          text: data.body,
          secretIndex: data.secretIndex,
          receivedAt: new Date(data.receivedAt),
        },
        rules,
      ));
    } catch (error) {
      // A body that no longer validates will not validate on the next attempt either.
      const failure = new UnrecoverableError(
        error instanceof Error ? error.message : String(error),
      );
      if (!isVioletWebhookError(error)) throw failure; // reported as the job fails
      reportTo(target, error);
      throw once(failure);
    }
    const run = async () => {
      const outcome = dispatcher.dispatch(event, info);
      if (outcome === undefined) return;
      try {
        await outcome;
      } catch (error) {
        throw failed(event, info, error);
      }
    };
    if (traced === undefined) return run();
    return traced.job(event, { id: info.id, queue: name, attempt: info.attempt }, data.trace, run);
  }

  /** Reports a failed attempt; what BullMQ should do with it. */
  function failed(event: VioletEvent, job: VioletJob, error: unknown): Error {
    const cause = isVioletWebhookError(error) ? error.cause : error;
    const causes = cause instanceof AggregateError ? cause.errors : [cause];
    const permanent = causes.some((c) => c instanceof UnrecoverableError);
    const last = permanent || job.attempt >= job.maxAttempts;
    reportTo(
      target,
      new VioletWebhookError(
        last ? 'RETRIES_EXHAUSTED' : 'LISTENER_FAILED',
        last
          ? `${event.type} job ${job.id} failed for good (attempt ${job.attempt} of ${job.maxAttempts}${permanent ? ', PermanentError' : ''}); it is kept among the failed jobs for replay`
          : `a listener of ${event.type} failed in attempt ${job.attempt} of ${job.maxAttempts}; BullMQ will try the job again`,
        { eventType: event.type, eventId: event.id, cause, attempt: job.attempt },
      ),
    );
    if (permanent) {
      return once(
        new UnrecoverableError(cause instanceof Error ? cause.message : 'permanent failure'),
      );
    }
    return once(cause instanceof Error ? cause : new Error(String(cause)));
  }

  const worker = new Worker(name, process, {
    ...workerOptions,
    connection,
    ...(prefix === undefined ? {} : { prefix }),
  });
  // Without a listener, a connection error would be thrown and end the process.
  worker.on('error', (error: Error) => debug('worker %s: %s', name, error.message));
  reportOtherFailures(worker, reported, (error) => reportTo(target, error));
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
      const outcome = await Promise.race([running.idle(), late]);
      clearTimeout(timer);
      await worker.close(outcome === 'late');
    },
  });
  return target;
}
