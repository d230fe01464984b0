// The option checks that the factory and a queue's worker share, below both: a bad option throws
// a TypeError that names the package, the function (when not the factory) and the option.
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
