import type AjvClass from 'ajv';
import type { ErrorObject } from 'ajv';
import { VioletWebhookError, type SchemaIssue } from '../errors';
import { familyOf, type EventFamily, type VioletEventType } from '../event-types';
import * as generated from '../generated/validators';
// The options shared with the build-time compiler (scripts/generate.mjs): the first error only,
// so that a hostile body with many wrong items cannot make the answer large; no coercion and no
// defaults, so that the body is checked, never changed.
import AJV_OPTIONS from '../schemas/ajv-options.json';

/**
 * A JSON Schema object, as ajv takes it.
 *
 * @example
 * violetWebhooks({ secret, schemas: { MERCHANT_CONNECTED: { type: 'object', required: ['id', 'name'] } } });
 */
export type JsonSchema = Readonly<Record<string, unknown>> | boolean;

/** A compiled check of a payload: undefined when it holds, else what is wrong. */
export type PayloadValidator = (
  type: VioletEventType,
  payload: unknown,
) => SchemaIssue[] | undefined;

/** A validator as ajv compiles it: true when valid, else `errors` says why. */
interface CompiledValidator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null | undefined;
}

/** The built-in validators, compiled at build time from lib/schemas/ (npm run generate). */
const BUILT_IN = generated as unknown as Readonly<Record<EventFamily, CompiledValidator>>;

const MAX_ISSUES = 5;

function toIssues(errors: readonly ErrorObject[] | null | undefined): SchemaIssue[] {
  return (errors ?? []).slice(0, MAX_ISSUES).map((error) => ({
    path: error.instancePath,
    keyword: error.keyword,
    message: error.message ?? `fails ${error.keyword}`,
  }));
}

/** Compiles the user's schemas; ajv is loaded only when there are some. */
function compileCustom(
  schemas: ReadonlyMap<VioletEventType, JsonSchema>,
): Map<VioletEventType, CompiledValidator> {
  const compiled = new Map<VioletEventType, CompiledValidator>();
  if (schemas.size === 0) return compiled;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Ajv = (require('ajv') as { default: typeof AjvClass }).default;
  const ajv = new Ajv({
    ...AJV_OPTIONS,
    // Unlike the built-in schemas (strict: true), a user's schema may be loose; but unknown
    // keywords are still refused, since they are mostly typos that would validate nothing.
    strict: false,
    strictSchema: true,
  });
  for (const [type, schema] of schemas) {
    try {
      compiled.set(type, ajv.compile(schema));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new TypeError(
        `express-violet-webhooks: option \`schemas.${type}\` is not a valid JSON Schema: ${reason}`,
      );
    }
  }
  return compiled;
}

/** Prepares every validator once, at factory time. Throws a TypeError for an invalid custom schema. */
export function createValidator(
  schemas: ReadonlyMap<VioletEventType, JsonSchema>,
): PayloadValidator {
  const custom = compileCustom(schemas);
  return (type, payload) => {
    const validate = custom.get(type) ?? BUILT_IN[familyOf(type)];
    if (validate(payload)) return undefined;
    return toIssues(validate.errors);
  };
}

/** Step 7, first half: the body against its event type's schema (422). */
export function assertValid(
  issues: SchemaIssue[] | undefined,
  eventType: string,
  eventId: string,
): void {
  if (issues === undefined) return;
  const first = issues[0];
  const where = first === undefined || first.path === '' ? 'the body' : first.path;
  throw new VioletWebhookError(
    'SCHEMA_MISMATCH',
    `the ${eventType} body does not match its schema: ${where} ${first?.message ?? 'is invalid'}`,
    { eventType, eventId, errors: issues },
  );
}
