import { optionError } from '../check-option';
import { claimFunctionsSql } from './claim-functions';

/**
 * Options of {@link postgresSchemaSql}.
 *
 * @example
 * postgresSchemaSql({ schema: 'webhooks' });
 */
export interface PostgresSchemaOptions {
  /** The schema that holds the tables. Default `'public'`. */
  schema?: string | undefined;
}

/**
 * A schema name as Postgres folds an unquoted identifier: lower case, so that the name the app
 * gives is the name `psql` shows and the SQL needs no escaping.
 */
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** What a schema name must be, as errors say it. */
export const SCHEMA_RULE =
  'must be a lower-case SQL identifier (^[a-z_][a-z0-9_]{0,62}$: a-z or _, then a-z, 0-9 or _, at most 63 characters)';

/** Whether `value` is a schema name the package accepts. */
export function isSchemaName(value: unknown): value is string {
  return typeof value === 'string' && IDENTIFIER.test(value);
}

/** Checks a `schema` option; `owner` is what the TypeError names. */
export function checkSchema(owner: string, value: unknown): string {
  if (value === undefined) return 'public';
  if (!isSchemaName(value)) optionError(owner, 'schema', SCHEMA_RULE);
  return value;
}

/** The quoted names of the package's tables in `schema`. */
export function tableNames(schema: string): { events: string; inbox: string; versions: string } {
  return {
    events: `"${schema}".violet_webhook_events`,
    inbox: `"${schema}".violet_webhook_inbox`,
    versions: `"${schema}".violet_webhook_versions`,
  };
}

/**
 * The SQL that creates the package's tables, for the app's own migration tool; every statement
 * is idempotent. `store.migrate()` and `violet-webhooks postgres migrate` apply it.
 *
 * @example
 * fs.writeFileSync('migrations/0007_violet_webhooks.sql', postgresSchemaSql());
 */
export function postgresSchemaSql(options: PostgresSchemaOptions = {}): string {
  const schema = checkSchema('postgresSchemaSql', options.schema);
  const { events, inbox, versions } = tableNames(schema);
  return `-- express-violet-webhooks: the event ledger and claims, the inbox of exactly-once effects, and
-- the newest version of each entity applied through the inbox.
CREATE SCHEMA IF NOT EXISTS "${schema}";

CREATE TABLE IF NOT EXISTS ${events} (
  event_id text PRIMARY KEY,
  source_event_id text,
  type text NOT NULL,
  order_id bigint,
  bag_id bigint,
  entity_id text,
  state text NOT NULL CHECK (state IN ('claimed', 'done', 'failed')),
  token text,
  lease_until timestamptz,
  attempts integer NOT NULL DEFAULT 1,
  last_error text,
  received_at timestamptz NOT NULL DEFAULT now(),
  done_at timestamptz,
  body text
);
CREATE INDEX IF NOT EXISTS violet_webhook_events_received_at
  ON ${events} (received_at);
-- For \`violet-webhooks events --state S\` and \`--type T\`: newest first, without reading every row.
-- Done events, nearly all of them, are found through received_at: only the others are indexed.
CREATE INDEX IF NOT EXISTS violet_webhook_events_state
  ON ${events} (state, received_at, event_id) WHERE state <> 'done';
CREATE INDEX IF NOT EXISTS violet_webhook_events_type
  ON ${events} (type, received_at, event_id);
-- event.stale: each event's entity (\`bag:123\`, ...) and version (its date_last_modified), and
-- whether a newer version was processed when it was claimed. Added to installs made before.
ALTER TABLE ${events} ADD COLUMN IF NOT EXISTS version_key text;
ALTER TABLE ${events} ADD COLUMN IF NOT EXISTS version timestamptz;
ALTER TABLE ${events} ADD COLUMN IF NOT EXISTS stale boolean;
CREATE INDEX IF NOT EXISTS violet_webhook_events_version
  ON ${events} (version_key, version) WHERE state = 'done' AND version_key IS NOT NULL;
-- replayGuard: each event's content (type, bag and SKU headers, verified signature).
ALTER TABLE ${events} ADD COLUMN IF NOT EXISTS replay_key text;
CREATE INDEX IF NOT EXISTS violet_webhook_events_replay
  ON ${events} (replay_key) WHERE replay_key IS NOT NULL;

CREATE TABLE IF NOT EXISTS ${inbox} (
  event_key text NOT NULL,
  scope text NOT NULL DEFAULT '',
  event_id text NOT NULL,
  type text NOT NULL,
  processed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (event_key, scope)
);
CREATE INDEX IF NOT EXISTS violet_webhook_inbox_processed_at
  ON ${inbox} (processed_at);

-- inbox.once(event, fn, { newest: true }): per entity (\`bag:123\`, \`merchant:7\`, ...) and scope,
-- the newest date_last_modified whose fn committed through the inbox, and which event it was.
CREATE TABLE IF NOT EXISTS ${versions} (
  entity_key text NOT NULL,
  scope text NOT NULL DEFAULT '',
  version timestamptz NOT NULL,
  event_id text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (entity_key, scope)
);

${claimFunctionsSql(schema, events)}`;
}
