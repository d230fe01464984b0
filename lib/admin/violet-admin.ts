import { resolveAdminOptions, type VioletAdminOptions } from './admin-options';
import { assertEventTypes, assertHttpsUrl, sameEventType } from './check-input';
import { pageItems } from './pages';
import { Transport, type ApiCall } from './http';
import { selectForRecovery, type RecoverResult } from './recover';
import { Session } from './session';
import { planSubscriptions, type SubscribePlan } from './subscribe';
import type { DeliveryBody, Webhook, WebhookDelivery, WebhookInput } from './types';
import { VioletApiError } from './violet-api-error';

/** Filters of {@link VioletAdmin.deliveries}. */
export interface DeliveryQuery {
  webhookId?: number | undefined;
  /** Deliveries created at or after this moment (the log keeps 30 days). */
  since?: Date | undefined;
  /** `SUCCEEDED`, `FAILED`, ... */
  status?: string | undefined;
  type?: string | undefined;
}

const PAGE_SIZE = 100;

/**
 * Violet's webhook management API: subscriptions, the delivery log, resend, and recovery of what
 * Violet gave up on. Logs in on first use and keeps its token fresh.
 *
 * @example
 * const admin = new VioletAdmin({ appId, appSecret, username, password });
 * await admin.subscribe({ url: 'https://example.com/webhooks/violet', events: 'all' });
 */
export class VioletAdmin {
  private readonly transport: Transport;
  private readonly session: Session;

  constructor(options: VioletAdminOptions) {
    const { username, password, ...rest } = resolveAdminOptions(options);
    this.transport = new Transport({
      ...rest,
      retryDelayMs: 250,
      secrets: () => [rest.appSecret, password, ...this.session.secrets()],
    });
    this.session = new Session(this.transport, { username, password });
  }

  /** The subscriptions; with `extended`, with their 7-day counts and failure rates. */
  async webhooks(options: { extended?: boolean } = {}): Promise<Webhook[]> {
    const answer = await this.call<unknown>({
      method: 'GET',
      path: '/events/webhooks',
      query: { extended: options.extended === true ? true : undefined },
    });
    return pageItems<Webhook>(answer).items;
  }

  /** Creates a subscription of one event type to an https endpoint. */
  async createWebhook(input: WebhookInput): Promise<Webhook> {
    assertHttpsUrl(input.url);
    return this.call({ method: 'POST', path: '/events/webhooks', body: webhookBody(input) });
  }

  /** Replaces a subscription's event type, endpoint and status. */
  async updateWebhook(id: number, input: Required<WebhookInput>): Promise<Webhook> {
    assertHttpsUrl(input.url);
    return this.call({ method: 'PUT', path: `/events/webhooks/${id}`, body: webhookBody(input) });
  }

  async deleteWebhook(id: number): Promise<void> {
    await this.call({ method: 'DELETE', path: `/events/webhooks/${id}` });
  }

  /** Violet's own list of event types, the authoritative one. */
  async eventTypes(): Promise<string[]> {
    const answer = await this.call<unknown>({
      method: 'GET',
      path: '/events/webhooks/event/types',
    });
    return pageItems<string>(answer).items.filter((t): t is string => typeof t === 'string');
  }

  /** Every delivery of the log that matches, page after page, newest pages as Violet orders them. */
  async *deliveries(query: DeliveryQuery = {}): AsyncGenerator<WebhookDelivery> {
    const scope = query.webhookId === undefined ? 'all' : String(query.webhookId);
    const since = query.since?.getTime();
    // Violet's dates are to the second: a record of the second `since` falls in is kept.
    const from = since === undefined ? undefined : Math.floor(since / 1000) * 1000;
    for (let page = 1; ; page++) {
      const answer = await this.call<unknown>({
        method: 'GET',
        path: `/events/webhooks/${scope}/events`,
        query: { since, page, size: PAGE_SIZE },
      });
      const { items, last } = pageItems<WebhookDelivery>(answer);
      for (const delivery of items) {
        // Filtered here too: which filters the log applies itself is not documented.
        if (query.status !== undefined && delivery.status !== query.status) continue;
        if (query.type !== undefined && !sameEventType(delivery.event_type, query.type)) continue;
        if (from !== undefined && Date.parse(delivery.date_created) < from) continue;
        yield delivery;
      }
      if (last) return;
    }
  }

  deliveryBody(webhookId: number, eventId: number | string): Promise<DeliveryBody> {
    return this.call({
      method: 'GET',
      path: `/events/webhooks/${webhookId}/events/${eventId}/body`,
    });
  }

  /** Asks Violet to deliver an event again: a copy with a new event id and `x-violet-event-id-source`. */
  resend(webhookId: number, eventId: number | string): Promise<WebhookDelivery> {
    return this.call({
      method: 'POST',
      path: `/events/webhooks/${webhookId}/events/${eventId}/resend`,
    });
  }

  /**
   * Makes Violet's subscriptions match: one ACTIVE webhook per wanted event type pointing at
   * `url`. `'all'` is Violet's own list of event types. Idempotent; with `dryRun`, only plans.
   */
  async subscribe(options: {
    url: string;
    events: 'all' | readonly string[];
    dryRun?: boolean | undefined;
  }): Promise<SubscribePlan> {
    assertHttpsUrl(options.url);
    if (options.events !== 'all') assertEventTypes(options.events);
    const wanted = options.events === 'all' ? await this.eventTypes() : options.events;
    const plan = planSubscriptions(await this.webhooks(), wanted, options.url);
    if (options.dryRun === true) return plan;
    for (const change of plan.created) {
      const made = await this.createWebhook({
        event: change.event,
        url: options.url,
        status: 'ACTIVE',
      });
      change.webhookId = made.id;
    }
    for (const change of plan.updated) {
      await this.updateWebhook(change.webhookId as number, {
        event: change.event,
        url: options.url,
        status: 'ACTIVE',
      });
    }
    return plan;
  }

  /**
   * Resends, once each, the deliveries of the log since `since` that Violet gave up on (FAILED),
   * leaving out those a later delivery of the same webhook, entity and type has superseded, and
   * those `skip` says the app has already. Safe to run twice.
   */
  async recover(options: {
    since: Date;
    dryRun?: boolean | undefined;
    skip?: ((delivery: WebhookDelivery) => boolean) | undefined;
  }): Promise<RecoverResult> {
    if (!(options.since instanceof Date) || Number.isNaN(options.since.getTime())) {
      throw new TypeError('express-violet-webhooks: recover({ since }) needs a Date');
    }
    const log: WebhookDelivery[] = [];
    for await (const delivery of this.deliveries({ since: options.since })) log.push(delivery);
    const { planned, skipped } = selectForRecovery(log, options.skip ?? (() => false));
    const result: RecoverResult = { planned, resent: [], skipped, errors: [] };
    if (options.dryRun === true) return result;
    for (const original of planned) {
      try {
        result.resent.push({ original, copy: await this.resend(original.webhook_id, original.id) });
      } catch (error) {
        if (!(error instanceof VioletApiError)) throw error;
        result.errors.push({ delivery: original, error });
      }
    }
    return result;
  }

  /** One call with a fresh token; once more with a renewed one if Violet says it expired. */
  private async call<T>(call: Omit<ApiCall, 'token'>): Promise<T> {
    const token = await this.session.current();
    try {
      return await this.transport.send<T>({ ...call, token });
    } catch (error) {
      if (!(error instanceof VioletApiError) || !isExpiredToken(error)) throw error;
      this.session.expired(token);
      return this.transport.send<T>({ ...call, token: await this.session.current() });
    }
  }
}

function isExpiredToken(error: VioletApiError): boolean {
  return error.status === 401 && (error.errorCode === 11 || /expired/i.test(error.message));
}

function webhookBody(input: WebhookInput) {
  return { event: input.event, remote_endpoint: input.url, status: input.status ?? 'ACTIVE' };
}
