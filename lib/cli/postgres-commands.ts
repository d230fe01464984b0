import { DEFAULT_TTL_MS } from '../dedupe/dedupe-store';
import { PostgresDedupeStore } from '../postgres/dedupe-store';
import { PostgresInbox } from '../postgres/inbox';
import type { LedgerRecord, LedgerState } from '../postgres/ledger';
import type { PostgresPoolLike } from '../postgres/pool';
import { isSchemaName, postgresSchemaSql, SCHEMA_RULE } from '../postgres/schema-sql';
import { SHOW_HELP, exit, type CommandResult, type Out } from './command';
import { duration, expectPositionals, parse, since } from './parse-args';
import { table } from './table';
import { UsageError, type CommandName } from './usage';

/** What the commands use of node-postgres, loaded only for them: pg is an optional dependency. */
interface Pg {
  Pool: new (config: {
    connectionString: string;
    max: number;
    connectionTimeoutMillis: number;
  }) => PostgresPoolLike & { end(): Promise<void> };
}

function loadPg(): Pg {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('pg') as Pg;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') {
      throw new Error('the Postgres commands need node-postgres: npm install pg');
    }
    throw error;
  }
}

/** Runs `fn` with a pool on the database of `--database-url` or DATABASE_URL, then ends it. */
async function withPool<T>(
  url: string | undefined,
  command: CommandName,
  fn: (pool: PostgresPoolLike) => Promise<T>,
): Promise<T> {
  const connectionString = url ?? process.env.DATABASE_URL ?? '';
  if (connectionString === '') {
    throw new UsageError('the database is needed: --database-url URL, or DATABASE_URL', command);
  }
  const { Pool } = loadPg();
  const pool = new Pool({ connectionString, max: 1, connectionTimeoutMillis: 10_000 });
  try {
    return await fn(pool);
  } finally {
    await pool.end();
  }
}

/** The `--schema` option, checked: a usage error names the rule. */
function schemaOption(value: string | undefined, command: CommandName): string {
  if (value === undefined) return 'public';
  if (!isSchemaName(value)) throw new UsageError(`--schema ${SCHEMA_RULE}, not ${value}`, command);
  return value;
}

const ACTIONS = ['sql', 'migrate', 'prune'] as const;
const isAction = (value: string | undefined): value is (typeof ACTIONS)[number] =>
  ACTIONS.includes(value as (typeof ACTIONS)[number]);

/** `violet-webhooks postgres sql|migrate|prune [--schema S] [--older-than 30d]`. */
export async function postgresCommand(args: readonly string[], out: Out): Promise<CommandResult> {
  const p = parse('postgres', args, ['schema', 'database-url', 'older-than']);
  if (p.help) return SHOW_HELP;
  const [action] = expectPositionals(p, 1, 'postgres');
  if (!isAction(action)) {
    throw new UsageError('say what to do: sql, migrate or prune', 'postgres');
  }
  const schema = schemaOption(p.options.schema, 'postgres');
  if (action !== 'prune' && p.options['older-than'] !== undefined) {
    throw new UsageError('--older-than goes with prune', 'postgres');
  }
  if (action === 'sql') return (out(postgresSchemaSql({ schema }).trimEnd()), exit(0));
  if (action === 'migrate') {
    await withPool(p.options['database-url'], 'postgres', (pool) =>
      new PostgresDedupeStore(pool, { schema }).migrate(),
    );
    out(`The tables of express-violet-webhooks are in schema ${schema}.`);
    return exit(0);
  }
  const age = p.options['older-than'] ?? '30d';
  const olderThanMs = duration(age, '--older-than', 'postgres');
  if (olderThanMs < DEFAULT_TTL_MS) {
    // Younger rows still answer Violet's retries and resends as duplicates.
    throw new UsageError(
      `--older-than must be at least 25h (Violet retries for 24 hours), not ${age}`,
      'postgres',
    );
  }
  const [ledger, inbox] = await withPool(p.options['database-url'], 'postgres', async (pool) => [
    await new PostgresDedupeStore(pool, { schema, keepDoneMs: olderThanMs }).prune(),
    await new PostgresInbox(pool, { schema }).prune({ olderThanMs }),
  ]);
  const rows = (n: number) => `${n} ${n === 1 ? 'row' : 'rows'}`;
  out(
    `Deleted ${rows(ledger)} of the ledger and ${rows(inbox)} of the inbox older than ${age}, in schema ${schema}.`,
  );
  return exit(0);
}

const STATES: readonly string[] = ['claimed', 'done', 'failed'];

const cells = (r: LedgerRecord): string[] => [
  r.receivedAt.toISOString(),
  r.eventId,
  r.type,
  r.state,
  String(r.attempts),
  r.lastError ?? '-',
  r.orderId === null ? '-' : String(r.orderId),
  r.bagId === null ? '-' : String(r.bagId),
  r.version === null ? '-' : r.version.toISOString(),
  r.stale === null ? '-' : r.stale ? 'yes' : 'no',
];

/** `violet-webhooks events [--state S] [--since 24h] [--type T] [--schema S] [--json]`. */
export async function eventsCommand(args: readonly string[], out: Out): Promise<CommandResult> {
  const p = parse(
    'events',
    args,
    ['state', 'since', 'type', 'schema', 'limit', 'database-url'],
    ['json'],
  );
  if (p.help) return SHOW_HELP;
  expectPositionals(p, 0, 'events');
  const { state, type } = p.options;
  const schema = schemaOption(p.options.schema, 'events');
  if (state !== undefined && !STATES.includes(state)) {
    throw new UsageError(`--state must be one of ${STATES.join(', ')}`, 'events');
  }
  const limit = Number(p.options.limit ?? 100);
  if (!Number.isSafeInteger(limit) || limit <= 0) {
    throw new UsageError('--limit must be a positive whole number', 'events');
  }
  const from = since(p.options.since ?? '24h', 'events');
  const records = await withPool(p.options['database-url'], 'events', (pool) =>
    new PostgresDedupeStore(pool, { schema }).events({
      state: state as LedgerState | undefined,
      type,
      since: from,
      limit,
    }),
  );
  if (p.flags.has('json')) return (out(JSON.stringify(records, null, 2)), exit(0));
  const headers = [
    'RECEIVED',
    'EVENT',
    'TYPE',
    'STATE',
    'ATTEMPTS',
    'ERROR',
    'ORDER',
    'BAG',
    'VERSION',
    'STALE',
  ];
  for (const line of table(headers, records.map(cells))) out(line);
  out(`${records.length} ${records.length === 1 ? 'event' : 'events'}.`);
  return exit(0);
}
