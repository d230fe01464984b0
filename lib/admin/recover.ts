import { compareRecords } from './log-order';
import type { WebhookDelivery } from './types';

/**
 * What `recover()` did: the failed deliveries it resent (each with the copy Violet made), those
 * it left out and why, and those whose resend failed.
 *
 * @example
 * const { resent, skipped } = await admin.recover({ since: new Date(Date.now() - 3 * 864e5) });
 */
export interface RecoverResult {
  /** Failed deliveries to resend; with `dryRun`, what would be resent. */
  planned: WebhookDelivery[];
  resent: Array<{ original: WebhookDelivery; copy: WebhookDelivery }>;
  skipped: Array<{ delivery: WebhookDelivery; reason: 'succeeded-later' | 'skip' }>;
  errors: Array<{ delivery: WebhookDelivery; error: Error }>;
}

const key = (d: WebhookDelivery) => `${d.webhook_id} ${d.entity_id ?? ''} ${d.event_type}`;

/**
 * The FAILED deliveries worth resending: each, unless a later delivery of the same webhook,
 * entity and event type SUCCEEDED (the copy a previous recovery resent, or a newer event that
 * carries the entity's newer state), or `skip` says the app has it already. Both lists run
 * oldest first, so the app gets resent events in the order they happened, whatever order the
 * log's pages came in. "Later" and "oldest" go by date, then by record id: Violet's dates are
 * to the second, and one burst puts many records in the same second.
 */
export function selectForRecovery(
  log: readonly WebhookDelivery[],
  skip: (delivery: WebhookDelivery) => boolean,
): Pick<RecoverResult, 'planned' | 'skipped'> {
  const lastSuccess = new Map<string, WebhookDelivery>();
  for (const delivery of log) {
    if (delivery.status !== 'SUCCEEDED') continue;
    const last = lastSuccess.get(key(delivery));
    if (last === undefined || compareRecords(delivery, last) > 0) {
      lastSuccess.set(key(delivery), delivery);
    }
  }
  const planned: WebhookDelivery[] = [];
  const skipped: RecoverResult['skipped'] = [];
  const failed = log.filter((delivery) => delivery.status === 'FAILED').sort(compareRecords);
  for (const delivery of failed) {
    const success = lastSuccess.get(key(delivery));
    if (success !== undefined && compareRecords(success, delivery) > 0) {
      skipped.push({ delivery, reason: 'succeeded-later' });
    } else if (skip(delivery)) {
      skipped.push({ delivery, reason: 'skip' });
    } else {
      planned.push(delivery);
    }
  }
  return { planned, skipped };
}
