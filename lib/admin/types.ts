/**
 * A webhook subscription: one event type sent to one endpoint.
 *
 * @example
 * const paused = (w: Webhook) => (w.temp_disable_ms ?? 0) > 0;
 */
export interface Webhook {
  id: number;
  app_id?: number;
  event: string;
  remote_endpoint: string;
  /** `ACTIVE`, `INACTIVE` or `DISABLED` (set by Violet after repeated failure windows). */
  status: string;
  date_created?: string;
  date_last_modified?: string;
  /** Deliveries over 7 days (with `extended`). */
  events_count?: number | null;
  /** The failed fraction over 7 days (with `extended`). */
  failure_rate?: number | null;
  /** Time left in a pause, in ms; 0 or absent when not paused. */
  temp_disable_ms?: number | null;
}

/**
 * One delivery in Violet's delivery log.
 *
 * @example
 * const failed = (d: WebhookDelivery) => d.status === 'FAILED';
 */
export interface WebhookDelivery {
  /** The event id, as sent in `x-violet-event-id`. */
  id: number | string;
  app_id?: number;
  webhook_id: number;
  entity_id?: number | string | null;
  entity_external_id?: string | null;
  status_code?: number | null;
  response?: string | null;
  /** Violet's spelling of the type (the log spells the cancel event `ORDER_CANCELED`). */
  event_type: string;
  remote_endpoint?: string;
  attempts?: number;
  /** `CREATED`, `IN_PROGRESS`, `SUCCEEDED`, `FAILED` or `CANCELLED`. */
  status: string;
  date_created: string;
  date_last_modified?: string;
  date_next_attempt?: string | null;
}

/**
 * The body of a logged delivery.
 *
 * @example
 * const order = JSON.parse((await admin.deliveryBody(webhookId, eventId)).body);
 */
export interface DeliveryBody {
  body: string;
  date_created?: string;
  length?: number;
}

/** The fields a webhook is created or updated with. */
export interface WebhookInput {
  event: string;
  url: string;
  status?: 'ACTIVE' | 'INACTIVE' | undefined;
}
