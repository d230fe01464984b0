// express-violet-webhooks/admin: Violet's webhook management API (subscriptions, delivery log,
// resend, recovery) over Node's fetch. It guarantees one login shared by concurrent calls, a
// token renewed before it expires, bounded retries of 429 and 5xx, and no secret, password or
// token in any error or log line. The main entry point never imports it.
export { VioletAdmin } from './violet-admin';
export type { DeliveryQuery } from './violet-admin';
export { VIOLET_API_URLS } from './admin-options';
export type { VioletAdminOptions } from './admin-options';
export { VioletApiError } from './violet-api-error';
export type { SubscribePlan, SubscriptionChange } from './subscribe';
export type { RecoverResult } from './recover';
export type { Webhook, WebhookDelivery, DeliveryBody, WebhookInput } from './types';
