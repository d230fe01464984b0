import type { EventFamily, EventTypeOf, VioletEventType } from './event-types';
import type { FamilyPayloads } from './generated/catalogue';
import type { Bag, Order, OrderSku } from './generated/payloads';

/**
 * Fields every event has, whatever its type.
 *
 * @example
 * const label = (e: VioletEventBase<string, string>) => `${e.type} ${e.id}`;
 */
export interface VioletEventBase<T extends string, F extends string> {
  /**
   * The event type in its canonical spelling (`ORDER_CANCELED` arrives as `ORDER_CANCELLED`);
   * `'unknown'` for a type this package does not know, whose name is in `rawType`.
   */
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
  /**
   * `true` when a newer version of the same entity (its `date_last_modified`) was processed
   * already through the same store, here or on another instance sharing it; `false` when not;
   * `undefined` when unknown (no version, `ordering: 'off'`, `dedupe: false`, a store that does
   * not track versions). A stale event is dispatched all the same: a listener that writes state
   * skips it (`if (event.stale) return;`).
   */
  readonly stale?: boolean | undefined;
}

/** An event of family `F`: its payload is also in the field named after `F`. */
type FamilyEvent<F extends EventFamily, T extends EventTypeOf<F>> = VioletEventBase<T, F> & {
  readonly payload: FamilyPayloads[F];
} & { readonly [K in F]: FamilyPayloads[F] };

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
> extends FamilyEvent<'merchant', T> {}

/**
 * An offer event (added, updated, removed, ...).
 *
 * @example
 * violet.on('OFFER_UPDATED', (event: OfferEvent) => reindex(event.offer.id));
 */
export interface OfferEvent<
  T extends EventTypeOf<'offer'> = EventTypeOf<'offer'>,
> extends FamilyEvent<'offer', T> {}

/**
 * A collection event.
 *
 * @example
 * violet.on('COLLECTION_UPDATED', (event: CollectionEvent) => refresh(event.collection.id));
 */
export interface CollectionEvent<
  T extends EventTypeOf<'collection'> = EventTypeOf<'collection'>,
> extends FamilyEvent<'collection', T> {}

/**
 * A product or collection sync event.
 *
 * @example
 * violet.on('PRODUCT_SYNC_COMPLETED', (event: SyncEvent) => log(event.sync.total_products));
 */
export interface SyncEvent<T extends EventTypeOf<'sync'> = EventTypeOf<'sync'>> extends FamilyEvent<
  'sync',
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
> extends FamilyEvent<'payoutAccount', T> {}

/**
 * A payment transaction event.
 *
 * @example
 * violet.on('PAYMENT_TRANSACTION_CAPTURE_STATUS_CAPTURED', (event: PaymentTransactionEvent) =>
 *   markPaid(event.transaction.order_id, event.transaction.amount),
 * );
 */
export interface PaymentTransactionEvent<
  T extends EventTypeOf<'transaction'> = EventTypeOf<'transaction'>,
> extends FamilyEvent<'transaction', T> {}

/**
 * A transfer event.
 *
 * @example
 * violet.on('TRANSFER_FAILED', (event: TransferEvent) => alert(event.transfer.errors));
 */
export interface TransferEvent<
  T extends EventTypeOf<'transfer'> = EventTypeOf<'transfer'>,
> extends FamilyEvent<'transfer', T> {}

/**
 * An event of a type this package does not know yet; it reaches `'*'` listeners only. Its `type`
 * is `'unknown'` (a value no Violet topic can take), so that comparing `type` with a known name
 * narrows away this member; the name Violet sent is in `rawType`.
 *
 * @example
 * violet.on('*', (event) => {
 *   if (event.type === 'unknown') log('new Violet event type', event.rawType);
 * });
 */
export interface UnknownVioletEvent extends VioletEventBase<'unknown', 'unknown'> {
  readonly payload: unknown;
}

/** The event interface of each family, for its types among `T`: the one family list here. */
interface FamilyEvents<T> {
  order: OrderEvent<Extract<T, EventTypeOf<'order'>>>;
  merchant: MerchantEvent<Extract<T, EventTypeOf<'merchant'>>>;
  offer: OfferEvent<Extract<T, EventTypeOf<'offer'>>>;
  collection: CollectionEvent<Extract<T, EventTypeOf<'collection'>>>;
  sync: SyncEvent<Extract<T, EventTypeOf<'sync'>>>;
  payoutAccount: PayoutAccountEvent<Extract<T, EventTypeOf<'payoutAccount'>>>;
  transaction: PaymentTransactionEvent<Extract<T, EventTypeOf<'transaction'>>>;
  transfer: TransferEvent<Extract<T, EventTypeOf<'transfer'>>>;
}

/** The family of an event type. */
type FamilyOfType<T extends VioletEventType> = {
  [F in EventFamily]: T extends EventTypeOf<F> ? F : never;
}[EventFamily];

/**
 * The event a listener of type `T` receives.
 *
 * @example
 * type Shipped = VioletEventOf<'ORDER_SHIPPED'>; // OrderEvent<'ORDER_SHIPPED'>
 */
export type VioletEventOf<T extends VioletEventType> = T extends VioletEventType
  ? FamilyEvents<T>[FamilyOfType<T>]
  : never;

/**
 * Every event, discriminated on `type` (and on `family`): comparing `type` with a known name
 * narrows it to that event.
 *
 * @example
 * function handle(event: VioletEvent) {
 *   if (event.type === 'ORDER_SHIPPED') return event.bag?.id;
 *   switch (event.family) {
 *     case 'order': return event.order.id;
 *     case 'transfer': return event.transfer.amount;
 *   }
 * }
 */
export type VioletEvent =
  { [F in EventFamily]: FamilyEvents<EventTypeOf<F>>[F] }[EventFamily] | UnknownVioletEvent;

/**
 * Every event of a known type.
 *
 * @example
 * const known = (e: VioletEvent): e is KnownVioletEvent => e.family !== 'unknown';
 */
export type KnownVioletEvent = Exclude<VioletEvent, UnknownVioletEvent>;
