import type { DedupeStore } from './dedupe/dedupe-store';
import type { DeliveryQueue } from './receive/delivery-queue';
import type { Telemetry } from './receive/telemetry';
import { MemoryDedupeStore } from './dedupe/memory-store';
import { isVioletEventType, type VioletEventType } from './event-types';
import { parseLimit } from './parse-limit';

/**
 * A JSON Schema object, as ajv takes it.
 *
 * @example
 * violetWebhooks({ secret, schemas: { MERCHANT_CONNECTED: { type: 'object', required: ['id', 'name'] } } });
 */
export type JsonSchema = Readonly<Record<string, unknown>> | boolean;

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
  /** `false`: never answer; call `next()` on success and `next(err)` on failure. Default `true`. */
  respond?: boolean | undefined;
  /**
   * A durable queue: the answer is given once the delivery is stored, and workers run the
   * listeners (`bullmqQueue()` from `express-violet-webhooks/bullmq`). Not with `ack` or `timeout`.
   */
  queue?: DeliveryQueue | undefined;
  /** Spans and metrics: `openTelemetry()` from `express-violet-webhooks/otel`. Default: none. */
  telemetry?: Telemetry | undefined;
}

/** Options after checking, with every default filled in. */
export interface ResolvedOptions {
  readonly secrets: readonly string[];
  readonly limit: number;
  readonly validation: 'strict' | 'off';
  readonly schemas: ReadonlyMap<VioletEventType, JsonSchema>;
  readonly dedupe: DedupeStore | undefined;
  readonly timeout: number;
  readonly leaseMs: number;
  readonly ack: 'after-listeners' | 'immediate';
  readonly unknownTopics: 'accept' | 'reject';
  readonly respond: boolean;
  readonly queue: DeliveryQueue | undefined;
  readonly telemetry: Telemetry | undefined;
}

const KNOWN_OPTIONS = new Set([
  'secret',
  'limit',
  'validation',
  'schemas',
  'dedupe',
  'timeout',
  'ack',
  'unknownTopics',
  'respond',
  'queue',
  'telemetry',
]);

function fail(option: string, message: string): never {
  throw new TypeError(`express-violet-webhooks: option \`${option}\` ${message}`);
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

function checkChoice<T extends string>(name: string, value: unknown, choices: readonly T[]): T {
  if (value === undefined) return choices[0] as T;
  if (!choices.includes(value as T))
    fail(name, `must be ${choices.map((c) => `'${c}'`).join(' or ')}`);
  return value as T;
}

export function checkSchemas(value: unknown): Map<VioletEventType, JsonSchema> {
  const schemas = new Map<VioletEventType, JsonSchema>();
  if (value === undefined) return schemas;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail('schemas', 'must be an object mapping event types to JSON Schemas');
  }
  for (const [type, schema] of Object.entries(value)) {
    if (!isVioletEventType(type))
      fail(`schemas.${type}`, 'names no known event type (see VIOLET_EVENT_TYPES)');
    if (
      typeof schema !== 'boolean' &&
      (typeof schema !== 'object' || schema === null || Array.isArray(schema))
    ) {
      fail(`schemas.${type}`, 'must be a JSON Schema object');
    }
    schemas.set(type, schema as JsonSchema);
  }
  return schemas;
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

/** A `telemetry` option, checked; exported for the worker's. */
export function checkTelemetry(value: unknown): Telemetry | undefined {
  if (value === undefined) return undefined;
  const telemetry = value as Partial<Telemetry> | null;
  if (
    typeof telemetry !== 'object' ||
    telemetry === null ||
    typeof telemetry.delivery !== 'function' ||
    typeof telemetry.job !== 'function'
  ) {
    fail(
      'telemetry',
      'must be a Telemetry, e.g. openTelemetry() from express-violet-webhooks/otel',
    );
  }
  return telemetry as Telemetry;
}

/** Checks the factory's options once; throws a TypeError that names the first bad one. */
export function resolveOptions(options: unknown): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(
      'express-violet-webhooks: violetWebhooks(options) needs an options object with `secret`',
    );
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(key))
      fail(key, `is not an option (known: ${[...KNOWN_OPTIONS].join(', ')})`);
  }
  const o = options as Record<string, unknown>;
  const limit = o.limit === undefined ? 1024 * 1024 : parseLimit(o.limit);
  if (limit === undefined)
    fail('limit', "must be a positive number of bytes or a string like '1mb'");
  const timeout = o.timeout ?? 9000;
  if (typeof timeout !== 'number' || !Number.isSafeInteger(timeout) || timeout <= 0) {
    fail('timeout', 'must be a positive whole number of milliseconds');
  }
  if (o.respond !== undefined && typeof o.respond !== 'boolean')
    fail('respond', 'must be true or false');
  return {
    secrets: checkSecrets(o.secret),
    limit,
    validation: checkChoice('validation', o.validation, ['strict', 'off'] as const),
    schemas: checkSchemas(o.schemas),
    dedupe: checkDedupe(o.dedupe),
    timeout,
    // A claim must outlive the answer's deadline, or a retry could start while work goes on.
    leaseMs: Math.max(60_000, timeout * 2),
    ack: checkChoice('ack', o.ack, ['after-listeners', 'immediate'] as const),
    unknownTopics: checkChoice('unknownTopics', o.unknownTopics, ['accept', 'reject'] as const),
    respond: o.respond !== false,
    queue: checkQueue(o),
    telemetry: checkTelemetry(o.telemetry),
  };
}
