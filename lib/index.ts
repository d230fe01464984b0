export { violetWebhooks } from './violet-webhooks';
export type { VioletWebhooks, VioletListeners, VioletListenerName } from './violet-webhooks';
export type { BodySource, ReceiveInput } from './http/receive';
export type { VioletWebhooksOptions, JsonSchema } from './options';
export type { ReceiveResult, ReceiveResponseBody } from './receive/result';
export { writeResult } from './http/write-result';
export type { FetchHandler } from './fetch/fetch-handler';
export type { HeaderMap } from './receive/delivery';
export type { DeliveryQueue, QueuedDelivery } from './receive/delivery-queue';
export type { Telemetry, DeliveryTelemetry, QueueTarget } from './receive/telemetry';

export { VioletWebhookError, BodyStreamError, isVioletWebhookError } from './errors';
export type { VioletWebhookErrorCode, SchemaIssue } from './errors';

export { VIOLET_EVENT_TYPES, isVioletEventType } from './event-types';
export type { VioletEventType, EventFamily, EventTypeOf } from './event-types';
export type {
  VioletEvent,
  VioletEventOf,
  KnownVioletEvent,
  VioletEventBase,
  OrderEvent,
  MerchantEvent,
  OfferEvent,
  CollectionEvent,
  SyncEvent,
  PayoutAccountEvent,
  PaymentTransactionEvent,
  TransferEvent,
  UnknownVioletEvent,
} from './events';
export type * from './generated/payloads';

export { sign } from './signature/sign';
export { verifySignature } from './signature/verify-signature';
export { captureRawBody } from './express/capture-raw-body';

export { MemoryDedupeStore } from './dedupe/memory-store';
export type { MemoryDedupeStoreOptions } from './dedupe/memory-store';
export type {
  DedupeStore,
  ClaimResult,
  ClaimOptions,
  ClaimedEvent,
  CompleteDetails,
  ReleaseDetails,
  SynchronousDedupe,
} from './dedupe/dedupe-store';
export type { EventVersion } from './receive/event-version';
