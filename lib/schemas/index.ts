import type { EventFamily } from '../event-types';
import collection from './collection.schema.json';
import merchant from './merchant.schema.json';
import offer from './offer.schema.json';
import order from './order.schema.json';
import paymentTransaction from './payment-transaction.schema.json';
import payoutAccount from './payout-account.schema.json';
import sync from './sync.schema.json';
import transfer from './transfer.schema.json';

/**
 * The built-in JSON Schema of each entity family. The payload types in lib/generated/ are
 * generated from these same files, so what validates at run time and what TypeScript checks
 * cannot drift apart.
 */
export const FAMILY_SCHEMAS: Readonly<Record<EventFamily, Readonly<Record<string, unknown>>>> = {
  order,
  merchant,
  offer,
  collection,
  sync,
  payoutAccount,
  transaction: paymentTransaction,
  transfer,
};
