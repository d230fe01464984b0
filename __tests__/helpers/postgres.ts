import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { PostgresDedupeStore } from '../../lib/postgres';
import { describeIfAvailable } from './needs';

/** Set by the global setup when a PostgreSQL answers on 127.0.0.1:5432 (database `test`). */
export const sharedDatabaseUrl = process.env.VIOLET_TEST_DATABASE_URL;

/**
 * `describe` when the shared PostgreSQL answers; in CI its absence fails the suite, elsewhere the
 * suite is skipped with a visible notice. `fn` gets the database URL.
 */
export function describeWithPostgres(name: string, fn: (url: string) => void): void {
  describeIfAvailable(
    name,
    sharedDatabaseUrl !== undefined,
    'PostgreSQL on 127.0.0.1:5432 (database test)',
    '.ci/run starts it',
    () => fn(sharedDatabaseUrl ?? ''),
  );
}

/** A schema of the test's own, with a pool; `drop()` removes the schema and ends the pools. */
export class TestSchema {
  readonly name = `violet_test_${randomBytes(6).toString('hex')}`;
  readonly pool: pg.Pool;
  private readonly others: pg.Pool[] = [];

  constructor(
    readonly url: string,
    poolOptions: pg.PoolConfig = {},
  ) {
    this.pool = new pg.Pool({ connectionString: url, max: 10, ...poolOptions });
  }

  /** Another pool on the same database (as another instance of the app has). */
  otherPool(options: pg.PoolConfig = {}): pg.Pool {
    const pool = new pg.Pool({ connectionString: this.url, max: 10, ...options });
    this.others.push(pool);
    return pool;
  }

  async rows<T>(sql: string, values: unknown[] = []): Promise<T[]> {
    return (await this.pool.query(sql, values)).rows as T[];
  }

  async drop(): Promise<void> {
    await this.pool.query(`DROP SCHEMA IF EXISTS "${this.name}" CASCADE`);
    await Promise.all([this.pool, ...this.others].map((p) => p.end()));
  }
}

/** A schema of the suite's own with the package's tables (migrated before, dropped after). */
export function migratedSchema(url: string): () => TestSchema {
  let db: TestSchema;
  beforeAll(async () => {
    db = new TestSchema(url);
    await new PostgresDedupeStore(db.pool, { schema: db.name }).migrate();
  });
  afterAll(() => db.drop());
  return () => db;
}
