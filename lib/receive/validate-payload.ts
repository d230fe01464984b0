import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { VioletWebhookError, type SchemaIssue } from '../errors';
import { EVENT_TYPES_BY_FAMILY, type EventFamily, type VioletEventType } from '../event-types';
import type { JsonSchema } from '../options';
import { FAMILY_SCHEMAS } from '../schemas';

/** A compiled check of a payload: undefined when it holds, else what is wrong. */
export type PayloadValidator = (
  type: VioletEventType,
  payload: unknown,
) => SchemaIssue[] | undefined;

const MAX_ISSUES = 5;

function newAjv(forUsers: boolean): Ajv {
  return new Ajv({
    // allErrors stays off: the first error is enough to fix a body, and a hostile body with
    // many wrong items cannot make the answer large.
    allErrors: false,
    allowUnionTypes: true,
    coerceTypes: false,
    useDefaults: false,
    // Unknown keywords are refused (they are mostly typos); a user's schema may otherwise be
    // written loosely.
    strict: !forUsers,
    strictSchema: true,
  });
}

function toIssues(errors: readonly ErrorObject[] | null | undefined): SchemaIssue[] {
  return (errors ?? []).slice(0, MAX_ISSUES).map((error) => ({
    path: error.instancePath,
    keyword: error.keyword,
    message: error.message ?? `fails ${error.keyword}`,
  }));
}

let builtIn: Map<VioletEventType, ValidateFunction> | undefined;

/** The built-in validators, compiled once per process and shared by every middleware. */
function builtInValidators(): Map<VioletEventType, ValidateFunction> {
  if (builtIn === undefined) {
    const ajv = newAjv(false);
    builtIn = new Map();
    for (const [family, types] of Object.entries(EVENT_TYPES_BY_FAMILY)) {
      const validate = ajv.compile(FAMILY_SCHEMAS[family as EventFamily]);
      for (const type of types) builtIn.set(type, validate);
    }
  }
  return builtIn;
}

function compileCustom(
  schemas: ReadonlyMap<VioletEventType, JsonSchema>,
): Map<VioletEventType, ValidateFunction> {
  const compiled = new Map(builtInValidators());
  if (schemas.size === 0) return compiled;
  const ajv = newAjv(true);
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

/** Compiles every validator once, at factory time. Throws a TypeError for an invalid custom schema. */
export function createValidator(
  schemas: ReadonlyMap<VioletEventType, JsonSchema>,
): PayloadValidator {
  const validators = compileCustom(schemas);
  return (type, payload) => {
    const validate = validators.get(type);
    if (validate === undefined || validate(payload)) return undefined;
    return toIssues(validate.errors);
  };
}

/** Step 7: the body against its event type's schema (422). */
export function assertValid(
  issues: SchemaIssue[] | undefined,
  eventType: string,
  eventId: string,
): void {
  if (issues === undefined) return;
  const first = issues[0];
  const where = first === undefined ? 'the body' : first.path === '' ? 'the body' : first.path;
  throw new VioletWebhookError(
    'SCHEMA_MISMATCH',
    `the ${eventType} body does not match its schema: ${where} ${first?.message ?? 'is invalid'}`,
    { eventType, eventId, errors: issues },
  );
}
