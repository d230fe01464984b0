import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';
import createDebug from 'debug';
import { checkKeys } from '../check-keys';
import { checkDuration, checkOptionsObject, checkString, optionError } from '../check-option';
import type { DeliveryQueue, QueuedDelivery } from '../receive/delivery-queue';
import { checkQueueAddress, isClient, type VioletConnection } from './connection';
import { failedJob, type FailedJob } from './failed-job';
import { jobIdOf, toJobData } from './job-data';

const debug = createDebug('violet-webhooks:bullmq');

/** Retention and retries of a job, as BullMQ takes them; retention only by age. */
export type VioletJobOptions = Pick<JobsOptions, 'attempts' | 'backoff' | 'priority'> & {
  /** How long a completed job is kept, in seconds. Default 25 hours, past Violet's 24 of retries. */
  removeOnComplete?: { age: number } | undefined;
  /** How long a failed job is kept, for replay, in seconds. Default 14 days. */
  removeOnFail?: { age: number } | undefined;
};

/**
 * Options of {@link bullmqQueue}.
 *
 * @example
 * bullmqQueue({ connection: { host: '127.0.0.1', port: 6379 }, name: 'violet-webhooks' });
 */
export interface BullmqQueueOptions {
  /** Redis connection options, or an ioredis instance (then give it `enableOfflineQueue: false`). */
  connection: VioletConnection;
  /** The queue's name; the worker uses the same. */
  name: string;
  /** BullMQ's key prefix; the worker uses the same. */
  prefix?: string | undefined;
  /** Milliseconds to wait for Redis before answering 503. Default 3000. */
  enqueueTimeout?: number | undefined;
  /** Retries and retention of each job. Default: 8 attempts, exponential back-off from 2 s. */
  jobOptions?: VioletJobOptions | undefined;
}

/**
 * The BullMQ queue deliveries go to: a {@link DeliveryQueue} for the middleware's `queue`
 * option, with what operations need around it.
 *
 * @example
 * const queue = bullmqQueue({ connection, name: 'violet-webhooks' });
 * console.log(await queue.counts());
 */
export interface VioletQueue extends DeliveryQueue {
  /** The BullMQ queue itself (for Bull Board, metrics, ...). */
  readonly queue: Queue;
  /** Runs failed jobs again: one event's, or all of them. Resolves to how many. */
  retryFailed(which: { eventId: string } | { all: true }): Promise<number>;
  /** How many jobs are in each state. */
  counts(): Promise<Record<string, number>>;
  /** The failed jobs, newest first: all of them, or the newest `limit`. */
  failed(limit?: number): Promise<FailedJob[]>;
  close(): Promise<void>;
}

const DEFAULT_JOB_OPTIONS = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: { age: 25 * 3600 },
  removeOnFail: { age: 14 * 24 * 3600 },
} as const;

const QUEUE_OPTIONS = ['connection', 'name', 'prefix', 'enqueueTimeout', 'jobOptions'];
const JOB_OPTIONS = ['attempts', 'backoff', 'priority', 'removeOnComplete', 'removeOnFail'];
/** Options that belong elsewhere, and where. */
const ELSEWHERE: Record<string, string> = {
  ...Object.fromEntries(
    JOB_OPTIONS.map((key) => [key, `BullMQ keeps it on each job: set \`jobOptions.${key}\``]),
  ),
  concurrency: 'it is a worker option: createVioletWorker({ concurrency })',
  lockDuration: 'it is a worker option: createVioletWorker({ lockDuration })',
};

function fail(option: string, message: string): never {
  return optionError('bullmqQueue', option, message);
}

function checkJobOptions(options: VioletJobOptions | undefined): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null) fail('jobOptions', 'must be an object');
  checkKeys('bullmqQueue', options, JOB_OPTIONS, {}, 'jobOptions.');
  checkRetention(options);
}

function checkRetention(options: VioletJobOptions | undefined): void {
  for (const key of ['removeOnComplete', 'removeOnFail'] as const) {
    const value = options?.[key] as unknown;
    if (value === undefined) continue;
    const age = (value as { age?: unknown } | null)?.age;
    if (typeof age !== 'number' || Object.keys(value as object).some((k) => k !== 'age')) {
      fail(
        `jobOptions.${key}`,
        'must be { age: seconds }: a count could drop a job before Violet stops retrying its delivery',
      );
    }
  }
}

function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/**
 * A BullMQ queue for the middleware's `queue` option: each delivery becomes the job
 * `violet-<event id>`, named after its event type, added within `enqueueTimeout`.
 *
 * @example
 * const violet = violetWebhooks({
 *   secret,
 *   dedupe: new RedisDedupeStore(redis),
 *   queue: bullmqQueue({ connection: { host: '127.0.0.1', port: 6379 }, name: 'violet-webhooks' }),
 * });
 */
export function bullmqQueue(options: BullmqQueueOptions): VioletQueue {
  const owner = 'bullmqQueue';
  checkOptionsObject(owner, options, '`connection` and `name`');
  checkKeys(owner, options, QUEUE_OPTIONS, ELSEWHERE);
  const { connection, name } = checkQueueAddress(owner, options);
  const { jobOptions } = options;
  const prefix = checkString(owner, 'prefix', options.prefix, true);
  const enqueueTimeout = checkDuration(owner, 'enqueueTimeout', options.enqueueTimeout) ?? 3000;
  checkJobOptions(jobOptions);
  // Fail fast when Redis is away, rather than queue commands in memory that a crash would lose.
  const conn = isClient(connection)
    ? connection
    : ({ ...(connection as object), enableOfflineQueue: false } as ConnectionOptions);
  const queue = new Queue(name, { connection: conn, ...(prefix === undefined ? {} : { prefix }) });
  // Without a listener, a connection error would be thrown and end the process.
  queue.on('error', (error: Error) => debug('queue %s: %s', name, error.message));
  // Options given as undefined keep their default.
  const given = Object.fromEntries(
    Object.entries(jobOptions ?? {}).filter(([, value]) => value !== undefined),
  );
  const defaults = { ...DEFAULT_JOB_OPTIONS, ...given } as JobsOptions;

  return {
    queue,
    name,
    system: 'bullmq',
    jobId: jobIdOf,
    async enqueue(delivery: QueuedDelivery) {
      const jobId = jobIdOf(delivery.eventId);
      const adding = queue.add(delivery.type, toJobData(delivery), { ...defaults, jobId });
      adding.catch(() => undefined); // past the deadline, its outcome no longer matters
      await withDeadline(adding, enqueueTimeout);
      debug('queued %s %s', delivery.type, jobId);
    },
    async retryFailed(which) {
      const jobs =
        'eventId' in which
          ? [await queue.getJob(jobIdOf(which.eventId))]
          : await queue.getFailed(0, -1);
      let retried = 0;
      for (const job of jobs) {
        if (job === undefined || (await job.getState()) !== 'failed') continue;
        await job.retry('failed');
        retried += 1;
      }
      return retried;
    },
    counts: () =>
      queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'completed', 'failed'),
    async failed(limit) {
      if (limit !== undefined && !(Number.isSafeInteger(limit) && limit >= 0)) {
        throw new TypeError(
          'express-violet-webhooks: failed(limit) takes a whole number, 0 or more',
        );
      }
      if (limit === 0) return [];
      return (await queue.getFailed(0, limit === undefined ? -1 : limit - 1)).map(failedJob);
    },
    close: () => queue.close(),
  };
}
