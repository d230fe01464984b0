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

/** Custom schemas where ajv cannot compile them: say so, and what works instead. */
function cannotCompile(cause: unknown): TypeError {
  return new TypeError(
    'express-violet-webhooks: option `schemas` needs ajv, which compiles a schema into code at run ' +
      'time, and this runtime cannot load or run it (Cloudflare Workers forbid code generation); ' +
      "use the built-in schemas, which are compiled ahead, or validation: 'off' and check the " +
      'payload in your listener',
    { cause },
  );
}

/**
 * ajv, loaded only for custom schemas. The require is out of bundlers' sight on purpose: the
 * built-in validators are compiled ahead, so a Worker's or an edge function's bundle leaves
 * ajv's compiler out.
 */
function loadAjv(): typeof AjvClass {
  const name = 'ajv';
  try {
    const load = require as (id: string) => { default: typeof AjvClass };
    return load(name).default;
  } catch (error) {
    throw cannotCompile(error);
  }
}

/** Compiles the user's schemas; ajv is loaded only when there are some. */
function compileCustom(
  schemas: ReadonlyMap<VioletEventType, JsonSchema>,
): Map<VioletEventType, CompiledValidator> {
  const compiled = new Map<VioletEventType, CompiledValidator>();
  if (schemas.size === 0) return compiled;
  const Ajv = loadAjv();
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
      if (error instanceof EvalError) throw cannotCompile(error);
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
