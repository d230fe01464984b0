// Every option check of the package, below every factory (the middleware's, the stores', the
// queue's and worker's, the admin client's): a bad option throws a TypeError in one format,
//   express-violet-webhooks: [<function> ]option `<name>` <what is wrong, and what to write>
// that names the package, the function that took it (when not the factory) and the option, never
// its value. Unknown keys are refused by check-keys.ts, in the same format.
import { isVioletEventType, type VioletEventType } from './event-types';
import type { Telemetry } from './receive/telemetry';
import type { JsonSchema } from './receive/validate-payload';

/**
 * Throws the TypeError of a bad option. `owner` is the function that took it (`bullmqQueue`),
 * or empty for `violetWebhooks()`, the package's own factory.
 */
export function optionError(owner: string, option: string, message: string): never {
  const who = owner === '' ? '' : `${owner} `;
  throw new TypeError(`express-violet-webhooks: ${who}option \`${option}\` ${message}`);
}

/**
 * Throws unless the options are an object; `needs` names what it must hold at least. `owner` is
 * as for `optionError`.
 */
export function checkOptionsObject(
  owner: string,
  options: unknown,
  needs: string,
): asserts options is object {
  if (typeof options === 'object' && options !== null) return;
  throw new TypeError(
    `express-violet-webhooks: ${owner === '' ? 'violetWebhooks' : owner}(options) needs an options object with ${needs}`,
  );
}

/** A duration in milliseconds: a positive whole number, or undefined for the default. */
export function checkDuration(owner: string, name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    optionError(owner, name, 'must be a positive whole number of milliseconds');
  }
  return value;
}

/** A whole number no smaller than `min` (1 or 0), or undefined for the default. */
export function checkWholeNumber(
  owner: string,
  name: string,
  value: unknown,
  min: 0 | 1,
): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    optionError(
      owner,
      name,
      min === 1 ? 'must be a positive whole number' : 'must be a whole number, 0 or more',
    );
  }
  return value;
}

/** `true` or `false`, or undefined for the default. */
export function checkBoolean(owner: string, name: string, value: unknown): boolean | undefined {
  if (value !== undefined && typeof value !== 'boolean') {
    optionError(owner, name, 'must be true or false');
  }
  return value;
}

/** A string (`nonEmpty`: with at least one character), or undefined for the default. */
export function checkString(
  owner: string,
  name: string,
  value: unknown,
  nonEmpty: boolean,
): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || (nonEmpty && value === '')) {
    optionError(owner, name, nonEmpty ? 'must be a non-empty string' : 'must be a string');
  }
  return value;
}

/** One of a few strings; undefined means the first. */
export function checkChoice<T extends string>(
  owner: string,
  name: string,
  value: unknown,
  choices: readonly T[],
): T {
  if (value === undefined) return choices[0] as T;
  if (!choices.includes(value as T)) {
    optionError(owner, name, `must be ${choices.map((c) => `'${c}'`).join(' or ')}`);
  }
  return value as T;
}

/** A `schemas` option: known event types mapped to JSON Schema objects. */
export function checkSchemas(owner: string, value: unknown): Map<VioletEventType, JsonSchema> {
  const schemas = new Map<VioletEventType, JsonSchema>();
  if (value === undefined) return schemas;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    optionError(owner, 'schemas', 'must be an object mapping event types to JSON Schemas');
  }
  for (const [type, schema] of Object.entries(value)) {
    if (!isVioletEventType(type)) {
      optionError(owner, `schemas.${type}`, 'names no known event type (see VIOLET_EVENT_TYPES)');
    }
    if (
      typeof schema !== 'boolean' &&
      (typeof schema !== 'object' || schema === null || Array.isArray(schema))
    ) {
      optionError(owner, `schemas.${type}`, 'must be a JSON Schema object');
    }
    schemas.set(type, schema as JsonSchema);
  }
  return schemas;
}

/** A `telemetry` option: what `openTelemetry()` returns. */
export function checkTelemetry(owner: string, value: unknown): Telemetry | undefined {
  if (value === undefined) return undefined;
  const telemetry = value as Partial<Telemetry> | null;
  if (
    typeof telemetry !== 'object' ||
    telemetry === null ||
    typeof telemetry.delivery !== 'function' ||
    typeof telemetry.job !== 'function'
  ) {
    optionError(
      owner,
      'telemetry',
      'must be a Telemetry, e.g. openTelemetry() from express-violet-webhooks/otel',
    );
  }
  return telemetry as Telemetry;
}
