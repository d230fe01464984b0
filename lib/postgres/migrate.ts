import { checkout, explain, type PostgresPoolLike } from './pool';
import { checkSchema, postgresSchemaSql } from './schema-sql';

/**
 * Applies {@link postgresSchemaSql} in one transaction, under a lock so that instances starting
 * together do not race each other's `CREATE`.
 */
export async function migrate(pool: PostgresPoolLike, schema: string): Promise<void> {
  checkSchema('migrate', schema);
  const { client, giveBack } = await checkout(pool.connect());
  let failure: unknown;
  try {
    await client.query('BEGIN');
    await client.query("SELECT pg_advisory_xact_lock(hashtext('express-violet-webhooks'))");
    await client.query(postgresSchemaSql({ schema }));
    await client.query('COMMIT');
  } catch (error) {
    failure = error;
    await client.query('ROLLBACK').catch(() => undefined);
    throw explain(error, schema);
  } finally {
    giveBack(failure instanceof Error ? failure : undefined);
  }
}
