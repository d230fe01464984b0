// The entity an event is a snapshot of, and which snapshot: every Violet body is a whole entity
// with `date_last_modified` to the second, and Violet does not deliver them in order. An order
// event is triggered by a change of one bag, so its entity is that bag when the delivery names a
// bag of the order, else the order.
import type { VioletEvent } from '../events';
import { parseVioletDate } from './violet-date';

/**
 * An entity (`bag:123`, `merchant:7`, …) and the time its snapshot was last modified, in ms
 * since the epoch.
 *
 * @example
 * const version: EventVersion = { key: 'bag:11111', at: Date.parse('2025-04-08T16:21:52Z') };
 */
export interface EventVersion {
  /** The entity: `bag:<id>`, `order:<id>`, `merchant:<id>`, `offer:<id>`, ... */
  key: string;
  /** Its `date_last_modified`, in ms since the epoch. */
  at: number;
}

/** The entity key's prefix per family; the order family is decided per event (bag or order). */
const PREFIX = {
  merchant: 'merchant:',
  offer: 'offer:',
  collection: 'collection:',
  sync: 'sync:',
  payoutAccount: 'payout-account:',
  transaction: 'payment-transaction:',
  transfer: 'transfer:',
} as const;

interface Snapshot {
  id?: unknown;
  date_last_modified?: unknown;
}

function versionOf(prefix: string, entity: unknown): EventVersion | undefined {
  if (entity === null || typeof entity !== 'object') return undefined;
  const { id, date_last_modified: modified } = entity as Snapshot;
  if (typeof id !== 'number' && typeof id !== 'string') return undefined;
  const at = parseVioletDate(modified);
  return at === undefined ? undefined : { key: prefix + String(id), at };
}

/**
 * The event's entity and version, or undefined when it has none (an unknown type, no id, no
 * `date_last_modified` or one that does not parse).
 */
export function eventVersion(event: VioletEvent): EventVersion | undefined {
  if (event.family === 'unknown') return undefined;
  if (event.family === 'order') {
    return event.bag === undefined
      ? versionOf('order:', event.order)
      : versionOf('bag:', event.bag);
  }
  return versionOf(PREFIX[event.family], event.payload);
}
