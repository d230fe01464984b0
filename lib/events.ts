import type { EventFamily, EventTypeOf, VioletEventType } from './event-types';
import type {
  Bag,
  Collection,
  Merchant,
  Offer,
  Order,
  OrderSku,
  PaymentTransaction,
  PayoutAccount,
  SyncStatus,
  Transfer,
} from './generated/payloads';

/**
 * Fields every event has, whatever its type.
 *
 * @example
 * const label = (e: VioletEventBase<string, string>) => `${e.type} ${e.id}`;
 */
export interface VioletEventBase<T extends string, F extends string> {
  /** The event type in its canonical spelling (`ORDER_CANCELED` arrives as `ORDER_CANCELLED`). */
  readonly type: T;
  /** The entity family, also the name of the field that holds the payload (`'unknown'` for new types). */
  readonly family: F;
  /** The event type exactly as Violet sent it in `x-violet-topic`. */
  readonly rawType: string;
  /** The event id (`x-violet-event-id`), the de-duplication key. */
  readonly id: string;
  /** The subscription that produced the delivery (`x-violet-webhook-id`). */
  readonly webhookId?: string | undefined;
  /** For a delivery re-sent through Violet's resend API: the original event id. */
  readonly sourceEventId?: string | undefined;
  /** The entity concerned (`x-violet-entity-id`). */
  readonly entityId?: string | undefined;
  /** A reason code (`x-violet-reason`), e.g. `APP_INSTALLED_ON_PLATFORM`. */
  readonly reason?: string | undefined;
  /** A payment provider account id (`x-violet-entity-external-id`). */
  readonly externalId?: string | undefined;
  /** Every `x-violet-*` header of the delivery, names lower-cased. */
  readonly headers: Readonly<Record<string, string>>;
  /** When the delivery was received. */
  readonly receivedAt: Date;
  /** Which of the configured secrets matched the signature (0 = the current one). */
  readonly secretIndex: number;
}

/** An event of family `F`: its payload, of type `P`, is also in the field named after `F`. */
type FamilyEvent<F extends EventFamily, P, T extends string> = VioletEventBase<T, F> & {
  readonly payload: P;
} & { readonly [K in F]: P };

/**
 * An order event: the whole order, with the bag and line item that changed resolved.
 *
 * @example
 * violet.on('ORDER_REFUNDED', (event: OrderEvent) => {
 *   if (event.sku) refundLine(event.orderId, event.sku.id, event.sku.quantity);
 * });
 */
export interface OrderEvent<
  T extends EventTypeOf<'order'> = EventTypeOf<'order'>,
> extends VioletEventBase<T, 'order'> {
  readonly payload: Order;
  readonly order: Order;
  /** `x-violet-order-id`, or the order's own id when the header is absent. */
  readonly orderId: number;
  /** `x-violet-bag-id`: the bag whose change triggered the event. */
  readonly bagId?: number | undefined;
  /** `x-violet-sku-id`: the `sku_id` of the line item concerned, when there is one. */
  readonly skuId?: number | undefined;
  /** The bag of `order.bags` whose id is `bagId`; undefined when absent or not in the order. */
  readonly bag?: Bag | undefined;
  /** The line item of `bag` whose `sku_id` is `skuId`; undefined likewise. */
  readonly sku?: OrderSku | undefined;
}

/**
 * A merchant event (connected, disconnected, enabled, ...).
 *
 * @example
 * violet.on('MERCHANT_CONNECTED', (event: MerchantEvent) => saveMerchant(event.merchant));
 */
export interface MerchantEvent<
  T extends EventTypeOf<'merchant'> = EventTypeOf<'merchant'>,
> extends FamilyEvent<'merchant', Merchant, T> {}

/**
 * An offer event (added, updated, removed, ...).
 *
 * @example
 * violet.on('OFFER_UPDATED', (event: OfferEvent) => reindex(event.offer.id));
 */
export interface OfferEvent<
  T extends EventTypeOf<'offer'> = EventTypeOf<'offer'>,
> extends FamilyEvent<'offer', Offer, T> {}

/**
 * A collection event.
 *
 * @example
 * violet.on('COLLECTION_UPDATED', (event: CollectionEvent) => refresh(event.collection.id));
 */
export interface CollectionEvent<
  T extends EventTypeOf<'collection'> = EventTypeOf<'collection'>,
> extends FamilyEvent<'collection', Collection, T> {}

/**
 * A product or collection sync event.
 *
 * @example
 * violet.on('PRODUCT_SYNC_COMPLETED', (event: SyncEvent) => log(event.sync.total_products));
 */
export interface SyncEvent<T extends EventTypeOf<'sync'> = EventTypeOf<'sync'>> extends FamilyEvent<
  'sync',
  SyncStatus,
  T
> {}

/**
 * A merchant payout account event.
 *
 * @example
 * violet.on('MERCHANT_PAYOUT_ACCOUNT_ACTIVATED', (event: PayoutAccountEvent) =>
 *   enablePayouts(event.payoutAccount.merchant_id, event.externalId),
 * );
 */
export interface PayoutAccountEvent<
  T extends EventTypeOf<'payoutAccount'> = EventTypeOf<'payoutAccount'>,
> extends FamilyEvent<'payoutAccount', PayoutAccount, T> {}

/**
 * A payment transaction event.
 *
 * @example
 * violet.on('PAYMENT_TRANSACTION_CAPTURED', (event: PaymentTransactionEvent) =>
 *   markPaid(event.transaction.order_id, event.transaction.amount),
 * );
 */
export interface PaymentTransactionEvent<
  T extends EventTypeOf<'transaction'> = EventTypeOf<'transaction'>,
> extends FamilyEvent<'transaction', PaymentTransaction, T> {}

/**
 * A transfer event.
 *
 * @example
 * violet.on('TRANSFER_FAILED', (event: TransferEvent) => alert(event.transfer.errors));
 */
export interface TransferEvent<
  T extends EventTypeOf<'transfer'> = EventTypeOf<'transfer'>,
> extends FamilyEvent<'transfer', Transfer, T> {}

/**
 * An event of a type this package does not know yet; it reaches `'*'` listeners only.
 *
 * @example
 * violet.on('*', (event) => {
 *   if (event.family === 'unknown') log('new Violet event type', event.type);
 * });
 */
export interface UnknownVioletEvent extends VioletEventBase<string, 'unknown'> {
  readonly payload: unknown;
}

/** The event interface of each family, for one event type of it. */
interface EventOfFamily<T> {
  order: T extends EventTypeOf<'order'> ? OrderEvent<T> : never;
  merchant: T extends EventTypeOf<'merchant'> ? MerchantEvent<T> : never;
  offer: T extends EventTypeOf<'offer'> ? OfferEvent<T> : never;
  collection: T extends EventTypeOf<'collection'> ? CollectionEvent<T> : never;
  sync: T extends EventTypeOf<'sync'> ? SyncEvent<T> : never;
  payoutAccount: T extends EventTypeOf<'payoutAccount'> ? PayoutAccountEvent<T> : never;
  transaction: T extends EventTypeOf<'transaction'> ? PaymentTransactionEvent<T> : never;
  transfer: T extends EventTypeOf<'transfer'> ? TransferEvent<T> : never;
}

/**
 * The event a listener of type `T` receives.
 *
 * @example
 * type Shipped = VioletEventOf<'ORDER_SHIPPED'>; // OrderEvent<'ORDER_SHIPPED'>
 */
export type VioletEventOf<T extends VioletEventType> = EventOfFamily<T>[EventFamily];

/**
 * Every event, discriminated on `type` (and on `family`).
 *
 * @example
 * function handle(event: VioletEvent) {
 *   switch (event.family) {
 *     case 'order': return event.order.id;
 *     case 'transfer': return event.transfer.amount;
 *   }
 * }
 */
export type VioletEvent =
  | OrderEvent
  | MerchantEvent
  | OfferEvent
  | CollectionEvent
  | SyncEvent
  | PayoutAccountEvent
  | PaymentTransactionEvent
  | TransferEvent
  | UnknownVioletEvent;

/**
 * Every event of a known type.
 *
 * @example
 * const known = (e: VioletEvent): e is KnownVioletEvent => e.family !== 'unknown';
 */
export type KnownVioletEvent = Exclude<VioletEvent, UnknownVioletEvent>;
