import createDebug from 'debug';

const debug = createDebug('violet-webhooks:postgres');

/**
 * What the package reads of a query's result; node-postgres's `QueryResult` fits.
 *
 * @example
 * const { rows } = await client.query('SELECT 1');
 */
export interface PostgresResultLike {
  readonly rows: readonly unknown[];
  readonly rowCount: number | null;
}

/**
 * A connection taken from a pool; node-postgres's `PoolClient` fits.
 *
 * @example
 * const client = await pool.connect();
 * try { await client.query('SELECT 1'); } finally { client.release(); }
 */
export interface PostgresClientLike {
  query(text: string, values?: unknown[]): Promise<PostgresResultLike>;
  /** Gives the connection back; with an error, the pool closes it instead. */
  release(error?: Error | boolean): void;
  /** node-postgres's events: a connection lost while out of the pool emits `'error'`. */
  on?(event: 'error', listener: (error: Error) => void): unknown;
  removeListener?(event: 'error', listener: (error: Error) => void): unknown;
}

/**
 * What the package needs of a pool: a node-postgres `pg.Pool`, or a pool an ORM holds. Declared
 * here so that `pg` stays an optional peer dependency.
 *
 * @example
 * const store = new PostgresDedupeStore(new pg.Pool({ connectionString: process.env.DATABASE_URL }));
 */
export interface PostgresPoolLike<C extends PostgresClientLike = PostgresClientLike> {
  query(text: string, values?: unknown[]): Promise<PostgresResultLike>;
  connect(): Promise<C>;
}

/** Checks that `pool` looks like a `pg.Pool`; `owner` is what the TypeError names. */
export function checkPool(owner: string, pool: unknown): void {
  const p = pool as Partial<PostgresPoolLike> | null;
  if (
    p === null ||
    typeof p !== 'object' ||
    typeof p.query !== 'function' ||
    typeof p.connect !== 'function'
  ) {
    throw new TypeError(
      `express-violet-webhooks: ${owner} needs a pool shaped like pg.Pool (query and connect)`,
    );
  }
}

const ignore = (): void => undefined;

/**
 * Takes a connection out of the pool. While it is out, node-postgres emits the loss of its
 * server as an `'error'` event that nobody else listens to, which would crash the process; the
 * failure reaches the caller through its query instead. `giveBack` returns it (with an error,
 * the pool closes it).
 */
export async function checkout<C extends PostgresClientLike>(
  connecting: Promise<C>,
): Promise<{ client: C; giveBack: (error?: Error) => void }> {
  const client = await connecting;
  client.on?.('error', ignore);
  const giveBack = (error?: Error): void => {
    client.removeListener?.('error', ignore);
    client.release(error);
  };
  return { client, giveBack };
}

/**
 * SQLSTATEs of the package's objects missing: a table (42P01), a function (42883: also one of an
 * older version, whose arguments differ) or the schema (3F000).
 */
const MISSING = new Set(['42P01', '42883', '3F000']);

export function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Whether `error` is, or was explained from, a missing table, function or schema. */
export function isMissing(error: unknown): boolean {
  const cause = error instanceof Error && sqlState(error) === undefined ? error.cause : error;
  return MISSING.has(sqlState(cause) ?? '');
}

/** The fix of missing tables, as errors name it. */
export function migrateCommand(schema: string): string {
  const option = schema === 'public' ? '' : ` --schema ${schema}`;
  return `\`violet-webhooks postgres migrate${option}\`, store.migrate(), or the SQL of postgresSchemaSql() in your own migrations`;
}

/**
 * Whether `error` is a pooler's refusal of a transaction: PgBouncer in statement mode runs each
 * statement on any server connection, so it refuses `BEGIN`.
 */
export function isStatementPooling(error: unknown): boolean {
  const message = (error as { message?: unknown } | null)?.message;
  return (
    typeof message === 'string' && /statement pooling mode|pool_mode.*statement/i.test(message)
  );
}

/**
 * The error of one of the package's own statements, with the fix when there is one: missing
 * tables (no table is ever created behind the app's back, so the message names the command that
 * creates them), or a pooler that cannot run a transaction. Other errors are returned as they are.
 */
export function explain(error: unknown, schema: string): unknown {
  const state = sqlState(error);
  if (state !== undefined && MISSING.has(state)) {
    const what =
      state === '3F000'
        ? `schema "${schema}" does not exist`
        : `the tables or functions of schema "${schema}" are missing or out of date`;
    return new Error(
      `express-violet-webhooks: ${what} (SQLSTATE ${state}); create them with ${migrateCommand(schema)}`,
      { cause: error },
    );
  }
  if (isStatementPooling(error)) {
    return new Error(
      'express-violet-webhooks: the connection goes through a pooler in statement mode (PgBouncer pool_mode = statement), which cannot run the transaction that inbox.once() and migrate need: use transaction or session mode (or connect straight to Postgres)',
      { cause: error },
    );
  }
  return error;
}

/**
 * Whether a connection that failed with `error` can be used again: an error the server sent
 * about a statement leaves it usable, a lost or closing connection does not.
 */
function reusable(error: unknown): boolean {
  if (error === undefined) return true;
  const state = sqlState(error);
  const fromServer = typeof (error as { severity?: unknown }).severity === 'string';
  return fromServer && state !== undefined && !state.startsWith('08') && !state.startsWith('57');
}

/**
 * Runs one statement on a connection of its own, bounded in time: past `timeoutMs` (waiting for a
 * connection included) it rejects, the connection is closed rather than given back, and a
 * connection that arrives late is given back unused. Never hangs on a server that does not answer.
 */
export async function queryWithin(
  pool: PostgresPoolLike,
  timeoutMs: number,
  schema: string,
  text: string,
  values: unknown[],
): Promise<PostgresResultLike> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let late = false;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      late = true;
      reject(new Error(`Postgres did not answer within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    const connecting = checkout(pool.connect()).then((out) => {
      if (late) out.giveBack();
      return out;
    });
    connecting.catch(() => undefined);
    const { client, giveBack } = await Promise.race([connecting, timeout]);
    let failure: unknown;
    try {
      return await Promise.race([client.query(text, values), timeout]);
    } catch (error) {
      failure = error;
      debug('statement failed: %s', sqlState(error) ?? (late ? 'timeout' : 'connection'));
      throw explain(error, schema);
    } finally {
      giveBack(late || !reusable(failure) ? new Error('closed after a failure') : undefined);
    }
  } finally {
    clearTimeout(timer);
  }
}
