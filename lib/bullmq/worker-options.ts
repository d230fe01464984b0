import type { WorkerOptions } from 'bullmq';
import { checkKeys } from '../check-keys';
import { checkChoice, checkOptionsObject, checkSchemas, checkTelemetry } from '../check-option';
import type { VioletEventType } from '../event-types';
import type { EventRules } from '../receive/event-from-body';
import type { Telemetry } from '../receive/telemetry';
import { createValidator, type JsonSchema } from '../receive/validate-payload';
import { checkQueueAddress, type VioletConnection } from './connection';

/** BullMQ's worker options that the worker sets itself. */
type OwnKeys = 'connection' | 'prefix' | 'autorun' | 'name' | 'telemetry';

/**
 * Options of {@link createVioletWorker}: the queue's `connection`, `name` and `prefix` as given
 * to `bullmqQueue`, how the event is checked, and BullMQ's worker options.
 *
 * @example
 * createVioletWorker({ connection, name: 'violet-webhooks', concurrency: 10, lockDuration: 60_000 });
 */
export interface VioletWorkerOptions extends Omit<WorkerOptions, OwnKeys> {
  connection: VioletConnection;
  name: string;
  prefix?: string | undefined;
  /** As the middleware's: `'strict'` (default) validates the body again, with these schemas. */
  validation?: 'strict' | 'off' | undefined;
  schemas?: Partial<Record<VioletEventType, JsonSchema>> | undefined;
  /** Spans and metrics: `openTelemetry()` from `express-violet-webhooks/otel`. */
  telemetry?: Telemetry | undefined;
}

// Every BullMQ worker option passed through: the type makes this list whole (a key that BullMQ
// adds or drops is a compile error here), so that a misspelt one can be refused.
const BULLMQ_KEYS: Record<Exclude<keyof WorkerOptions, OwnKeys>, true> = {
  concurrency: true,
  limiter: true,
  metrics: true,
  maximumRateLimitDelay: true,
  maxStartedAttempts: true,
  maxStalledCount: true,
  stalledInterval: true,
  removeOnComplete: true,
  removeOnFail: true,
  skipStalledCheck: true,
  skipLockRenewal: true,
  drainDelay: true,
  lockDuration: true,
  lockRenewTime: true,
  runRetryDelay: true,
  settings: true,
  useWorkerThreads: true,
  blockingConnection: true,
  skipVersionCheck: true,
  skipWaitingForReady: true,
  workerForkOptions: true,
  workerThreadsOptions: true,
};
const KNOWN = [
  'connection',
  'name',
  'prefix',
  'validation',
  'schemas',
  'telemetry',
  ...Object.keys(BULLMQ_KEYS),
];
const ELSEWHERE: Record<string, string> = {
  attempts: 'BullMQ keeps retries on each job: bullmqQueue({ jobOptions: { attempts } })',
  backoff: 'BullMQ keeps it on each job: bullmqQueue({ jobOptions: { backoff } })',
  enqueueTimeout: 'it is an option of bullmqQueue()',
  jobOptions: 'it is an option of bullmqQueue()',
};

/** The worker's options, checked, with BullMQ's own apart. */
export interface ResolvedWorkerOptions {
  readonly name: string;
  readonly rules: EventRules;
  readonly telemetry: Telemetry | undefined;
  readonly bullmq: WorkerOptions;
}

/** Checks the worker's options once; throws a TypeError that names the first bad one. */
export function resolveWorkerOptions(options: VioletWorkerOptions): ResolvedWorkerOptions {
  const owner = 'createVioletWorker';
  checkOptionsObject(owner, options, '`connection` and `name`');
  checkKeys(owner, options, KNOWN, ELSEWHERE);
  const { connection, name } = checkQueueAddress(owner, options);
  const { prefix, validation, schemas, telemetry, connection: _c, name: _n, ...rest } = options;
  const checked = checkChoice(owner, 'validation', validation, ['strict', 'off'] as const);
  return {
    name,
    rules: {
      validate: checked === 'off' ? undefined : createValidator(checkSchemas(owner, schemas)),
      unknownTopics: 'accept',
    },
    telemetry: checkTelemetry(owner, telemetry),
    bullmq: { ...rest, connection, ...(prefix === undefined ? {} : { prefix }) },
  };
}
