export { PostgresDedupeStore } from './dedupe-store';
export type { PostgresDedupeStoreOptions } from './dedupe-store';
export { PostgresInbox } from './inbox';
export type {
  InboxEvent,
  InboxOnceOptions,
  InboxPruneOptions,
  InboxResult,
  InboxSkipReason,
  PostgresInboxOptions,
} from './inbox';
export type { LedgerQuery, LedgerRecord, LedgerState } from './ledger';
export type { PostgresClientLike, PostgresPoolLike, PostgresResultLike } from './pool';
export { postgresSchemaSql } from './schema-sql';
export type { PostgresSchemaOptions } from './schema-sql';
