import type { Webhook } from './types';

/** One event type's subscription, as it is or as `subscribe()` makes it. */
export interface SubscriptionChange {
  event: string;
  /** The webhook concerned; absent for one still to create. */
  webhookId?: number | undefined;
  /** For an update: the endpoint and status it had. */
  from?: { url: string; status: string } | undefined;
}

/**
 * What `subscribe()` did, or with `dryRun` would do: for each wanted event type, created,
 * updated (re-pointed or re-activated) or unchanged.
 *
 * @example
 * const plan = await admin.subscribe({ url, events: 'all', dryRun: true });
 * console.log(plan.created.length, 'to create');
 */
export interface SubscribePlan {
  created: SubscriptionChange[];
  updated: SubscriptionChange[];
  unchanged: SubscriptionChange[];
}

/**
 * Plans one ACTIVE webhook per wanted event type pointing at `url`. A type with a webhook at
 * `url` keeps it (re-activated when it is not ACTIVE); a type whose webhooks all point elsewhere
 * has its first one re-pointed; a type with none gets one. Webhooks of other types, and other
 * webhooks of a wanted type, are left alone.
 */
export function planSubscriptions(
  existing: readonly Webhook[],
  wanted: readonly string[],
  url: string,
): SubscribePlan {
  const plan: SubscribePlan = { created: [], updated: [], unchanged: [] };
  for (const event of new Set(wanted)) {
    const ofType = existing.filter((webhook) => webhook.event === event);
    const here = ofType.find((webhook) => webhook.remote_endpoint === url);
    const target = here ?? ofType[0];
    if (target === undefined) {
      plan.created.push({ event });
    } else if (target.remote_endpoint === url && target.status === 'ACTIVE') {
      plan.unchanged.push({ event, webhookId: target.id });
    } else {
      plan.updated.push({
        event,
        webhookId: target.id,
        from: { url: target.remote_endpoint, status: target.status },
      });
    }
  }
  return plan;
}
