import createDebug from 'debug';
import { checkKeys } from './check-keys';
import {
  checkBoolean,
  checkChoice,
  checkDuration,
  checkOptionsObject,
  checkSchemas,
  checkTelemetry,
  optionError,
} from './check-option';
import type { DedupeStore } from './dedupe/dedupe-store';
import { MemoryDedupeStore } from './dedupe/memory-store';
import type { VioletEventType } from './event-types';
import { parseLimit } from './parse-limit';
import type { DeliveryQueue } from './receive/delivery-queue';
import type { PipelineConfig } from './receive/pipeline';
import type { Telemetry } from './receive/telemetry';
import type { JsonSchema } from './receive/validate-payload';

export type { JsonSchema };

const debug = createDebug('violet-webhooks:options');

/**
 * Options of {@link violetWebhooks}. Only `secret` is required.
 *
 * @example
 * violetWebhooks({ secret: [process.env.VIOLET_APP_SECRET!, process.env.VIOLET_OLD_SECRET!], limit: '5mb' });
 */
export interface VioletWebhooksOptions {
  /** The app secret, or several (first = current, the rest accepted during a rotation). */
  secret: string | readonly string[];
  /** Largest body accepted, in bytes or as a string like `'5mb'`. Default `'1mb'`. */
  limit?: number | string | undefined;
  /** `'strict'` (default): the body must match its event type's JSON Schema. `'off'`: parse only. */
  validation?: 'strict' | 'off' | undefined;
  /** Per event type, a JSON Schema that replaces the built-in one. */
  schemas?: Partial<Record<VioletEventType, JsonSchema>> | undefined;
  /** Where processed event ids are kept; `false` processes every delivery. Default: in memory. */
  dedupe?: DedupeStore | false | undefined;
  /** Milliseconds to wait for listeners before answering 503. Default 9000 (Violet waits 10 s). */
  timeout?: number | undefined;
  /** `'after-listeners'` (default) or `'immediate'`: answer 200 once claimed, then run listeners. */
  ack?: 'after-listeners' | 'immediate' | undefined;
  /** An event type this package does not know: `'accept'` (default, 200, `'*'` only) or `'reject'` (400). */
  unknownTopics?: 'accept' | 'reject' | undefined;
  /**
   * `'flag'` (default): each event's `stale` says whether a newer version of its entity was
   * processed already (through the store). `'off'`: `stale` is always undefined.
   */
  ordering?: 'flag' | 'off' | undefined;
  /**
   * `true`: a delivery with the same content as an earlier one (type, `x-violet-bag-id`,
   * `x-violet-sku-id` and verified signature) under another event id is a duplicate too: a
   * captured body sent again is not acted on. Default `false`. Needs a store that guards replays
   * (the memory, Redis and Postgres stores).
   */
  replayGuard?: boolean | undefined;
  /** `false`: never answer; call `next()` on success and `next(err)` on failure. Default `true`. */
  respond?: boolean | undefined;
  /**
   * A durable queue: the answer is given once the delivery is stored, and workers run the
   * listeners (`bullmqQueue()` from `express-violet-webhooks/bullmq`). Not with `ack` or `timeout`.
   */
  queue?: DeliveryQueue | undefined;
  /** Spans and metrics: `openTelemetry()` from `express-violet-webhooks/otel`. Default: none. */
  telemetry?: Telemetry | undefined;
  /**
   * Keeps work that goes on after the answer alive where the platform would freeze it, when no
   * argument of `violet.fetch` has a `waitUntil` of its own: Next.js's `after` (from
   * `next/server`), `waitUntil` from `@vercel/functions`, Supabase's `EdgeRuntime.waitUntil`.
   */
  waitUntil?: ((work: Promise<unknown>) => void) | undefined;
}

/** Options after checking, with every default filled in: what the pipeline reads, and more. */
export interface ResolvedOptions extends PipelineConfig {
  readonly respond: boolean;
}

const KNOWN_OPTIONS = [
  'secret',
  'limit',
  'validation',
  'schemas',
  'dedupe',
  'timeout',
  'ack',
  'unknownTopics',
  'ordering',
  'replayGuard',
  'respond',
  'queue',
  'telemetry',
  'waitUntil',
];

/** Options of a queue and of its worker: given to violetWebhooks(), they would do nothing. */
const ELSEWHERE = {
  connection: 'it belongs to bullmqQueue({ connection, name }), given as `queue`',
  concurrency: 'listeners run concurrently already; a worker takes it: createVioletWorker()',
  attempts: 'retries belong to the queue: bullmqQueue({ jobOptions: { attempts } })',
};

function fail(option: string, message: string): never {
  return optionError('', option, message);
}

function checkSecret(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.length === 0) fail(name, 'must be a non-empty string');
  if (value.trim() !== value) {
    fail(
      name,
      'has leading or trailing whitespace; copy the app secret exactly as Violet shows it',
    );
  }
  return value;
}

function checkSecrets(value: unknown): string[] {
  if (value === undefined) {
    fail('secret', 'is required: pass your Violet app secret, e.g. process.env.VIOLET_APP_SECRET');
  }
  if (!Array.isArray(value)) return [checkSecret(value, 'secret')];
  if (value.length === 0) fail('secret', 'must not be an empty array');
  return value.map((item, i) => checkSecret(item, `secret[${i}]`));
}

function checkDedupe(value: unknown): DedupeStore | undefined {
  if (value === undefined) return new MemoryDedupeStore();
  if (value === false) return undefined;
  const store = value as Partial<DedupeStore> | null;
  if (
    typeof store !== 'object' ||
    store === null ||
    typeof store.claim !== 'function' ||
    typeof store.complete !== 'function' ||
    typeof store.release !== 'function'
  ) {
    fail('dedupe', 'must be a DedupeStore (claim, complete, release) or false');
  }
  return store as DedupeStore;
}

/** `replayGuard`, checked against the store: one that ignores content keys would guard nothing. */
function checkReplayGuard(value: unknown, store: DedupeStore | undefined): boolean {
  const on = checkBoolean('', 'replayGuard', value) ?? false;
  if (!on) return false;
  if (store === undefined) {
    fail('replayGuard', 'needs a de-duplication store: it cannot go with `dedupe: false`');
  }
  if (store.guardsReplays !== true) {
    fail(
      'replayGuard',
      'needs a store that claims the content key with the event id (`guardsReplays`): MemoryDedupeStore, PostgresDedupeStore, or RedisDedupeStore on one Redis (not an ioredis Cluster)',
    );
  }
  return true;
}

/** The `waitUntil` option, called so that a platform's refusal (outside a request) is not thrown. */
function checkWaitUntil(value: unknown): ((work: Promise<unknown>) => void) | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function') {
    fail('waitUntil', 'must be a function that takes a promise, e.g. `after` from next/server');
  }
  const waitUntil = value as (work: Promise<unknown>) => void;
  return (work) => {
    try {
      waitUntil(work);
    } catch (error) {
      // The work goes on without it; only where the platform freezes the process is it at risk.
      debug('waitUntil refused the work: %s', error instanceof Error ? error.message : error);
    }
  };
}

function checkQueue(o: Record<string, unknown>): DeliveryQueue | undefined {
  if (o.queue === undefined) return undefined;
  const queue = o.queue as Partial<DeliveryQueue> | null;
  if (typeof queue !== 'object' || queue === null || typeof queue.enqueue !== 'function') {
    fail(
      'queue',
      'must be a DeliveryQueue (an object with enqueue()), e.g. bullmqQueue({ connection, name })',
    );
  }
  for (const other of ['ack', 'timeout'] as const) {
    if (o[other] !== undefined) {
      fail(
        other,
        'does not go with `queue`: it concerns listeners in this process, and with a queue they run in the worker (createVioletWorker)',
      );
    }
  }
  return queue as DeliveryQueue;
}

/** Checks the factory's options once; throws a TypeError that names the first bad one. */
export function resolveOptions(options: unknown): ResolvedOptions {
  checkOptionsObject('', options, '`secret`');
  checkKeys('', options, KNOWN_OPTIONS, ELSEWHERE);
  const o = options as Record<string, unknown>;
  const limit = o.limit === undefined ? 1024 * 1024 : parseLimit(o.limit);
  if (limit === undefined)
    fail('limit', "must be a positive number of bytes or a string like '1mb'");
  const timeout = checkDuration('', 'timeout', o.timeout ?? undefined) ?? 9000;
  const dedupe = checkDedupe(o.dedupe);
  return {
    secrets: checkSecrets(o.secret),
    limit,
    validation: checkChoice('', 'validation', o.validation, ['strict', 'off'] as const),
    schemas: checkSchemas('', o.schemas),
    dedupe,
    timeout,
    // A claim must outlive the answer's deadline, or a retry could start while work goes on.
    leaseMs: Math.max(60_000, timeout * 2),
    ack: checkChoice('', 'ack', o.ack, ['after-listeners', 'immediate'] as const),
    unknownTopics: checkChoice('', 'unknownTopics', o.unknownTopics, ['accept', 'reject'] as const),
    ordering: checkChoice('', 'ordering', o.ordering, ['flag', 'off'] as const),
    replayGuard: checkReplayGuard(o.replayGuard, dedupe),
    respond: checkBoolean('', 'respond', o.respond) ?? true,
    queue: checkQueue(o),
    telemetry: checkTelemetry('', o.telemetry),
    waitUntil: checkWaitUntil(o.waitUntil),
  };
}
