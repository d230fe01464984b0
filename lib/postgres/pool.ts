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

/** SQLSTATEs of a missing table or schema. */
const MISSING = new Set(['42P01', '3F000']);

function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * The error of a query, with the fix when the tables are missing: no table is ever created
 * behind the app's back, so the message names the command that creates them.
 */
export function explain(error: unknown, schema: string): unknown {
  if (!MISSING.has(sqlState(error) ?? '')) return error;
  const option = schema === 'public' ? '' : ` --schema ${schema}`;
  return new Error(
    `express-violet-webhooks: the tables of schema "${schema}" do not exist; create them with \`violet-webhooks postgres migrate${option}\`, store.migrate(), or the SQL of postgresSchemaSql() in your own migrations`,
    { cause: error },
  );
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
