import { createHmac, randomUUID } from 'node:crypto';

/** A delivery record of the fake's log, in Violet's shape. */
export interface FakeDelivery {
  id: string;
  app_id: number;
  webhook_id: number;
  entity_id: number | null;
  event_type: string;
  remote_endpoint: string;
  status: 'CREATED' | 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';
  status_code: number | null;
  attempts: number;
  date_created: string;
  date_last_modified: string;
  body: string;
  source_event_id?: string;
}

let sequence = 5_000_000_000;

/** A new event id, as Violet's decimal ids. */
export const nextEventId = (): string => String((sequence += 1));

/** Violet's date format, to the second as Violet writes it: `2025-04-08T16:21:52+0000`. */
export function violetDate(ms = Date.now()): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+0000');
}

/** Newest first, as Violet lists its log: by date, then by record id (ids grow). */
export function newestFirst(a: { id: string; date_created: string }, b: typeof a): number {
  const byDate = Date.parse(b.date_created) - Date.parse(a.date_created);
  if (byDate !== 0) return byDate;
  const x = BigInt(a.id);
  const y = BigInt(b.id);
  return x === y ? 0 : x < y ? 1 : -1;
}

/**
 * Posts one delivery as Violet does: the signature of the exact body, the x-violet-* headers,
 * and for a resend `x-violet-event-id-source`. Returns the status, or 0 when nobody answered.
 */
export async function post(
  url: string,
  delivery: FakeDelivery,
  appSecret: string,
): Promise<number> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-violet-hmac': createHmac('sha256', appSecret).update(delivery.body).digest('base64'),
    'x-violet-topic': delivery.event_type,
    'x-violet-event-id': delivery.id,
    'x-violet-webhook-id': String(delivery.webhook_id),
    'x-violet-entity-length': String(Buffer.byteLength(delivery.body)),
    'x-request-id': randomUUID(),
  };
  if (delivery.entity_id !== null) {
    headers['x-violet-entity-id'] = String(delivery.entity_id);
    if (delivery.event_type.startsWith('ORDER_')) {
      headers['x-violet-order-id'] = String(delivery.entity_id);
    }
  }
  if (delivery.source_event_id !== undefined) {
    headers['x-violet-event-id-source'] = delivery.source_event_id;
  }
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers,
      body: delivery.body,
      signal: AbortSignal.timeout(5000),
    });
    await res.body?.cancel();
    return res.status;
  } catch {
    return 0;
  }
}
