import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeAuth, type FakeCredentials } from './auth';
import { newestFirst, nextEventId, post, violetDate, type FakeDelivery } from './deliveries';

/** A subscription as the fake keeps it, in Violet's shape. */
export interface FakeWebhook {
  id: number;
  app_id: number;
  event: string;
  remote_endpoint: string;
  status: string;
  date_created: string;
  date_last_modified: string;
  events_count: number;
  failure_rate: number;
  temp_disable_ms: number;
}

export interface FakeVioletOptions {
  credentials?: Partial<FakeCredentials>;
  eventTypes?: string[];
  /** Where a delivery to an https endpoint really goes: a loopback URL. */
  route?: (remoteEndpoint: string) => string;
  /** Attempts before a delivery is FAILED. */
  maxAttempts?: number;
  /** Answer lists as bare arrays, as older renderings of the API do. */
  bareArrays?: boolean;
}

type Answer = [status: number, body?: unknown, headers?: Record<string, string>];
/** An answer forced on the next call. */
interface Fault {
  status: number;
  retryAfter?: string;
  message?: string;
}
const APP_ID = 4242;

/**
 * Violet's webhook management API on loopback, written from shared/docs/violet-api.md: login
 * and refresh, token expiry, webhooks, event types, the paged delivery log, resend (which really
 * posts a signed copy), and faults on demand (429 with Retry-After, 5xx).
 */
export class FakeViolet {
  readonly auth: FakeAuth;
  readonly webhooks = new Map<number, FakeWebhook>();
  readonly log: FakeDelivery[] = [];
  /** Every call, in order: method and path (with query). */
  readonly calls: string[] = [];
  eventTypes: string[];
  bareArrays: boolean;
  private readonly faults: Fault[] = [];
  private readonly server = http.createServer((req, res) => void this.handle(req, res));
  private nextWebhookId = 900;
  url = '';

  constructor(private readonly options: FakeVioletOptions = {}) {
    this.auth = new FakeAuth({
      appId: String(APP_ID),
      appSecret: 'fake-app-secret-7c1d9e',
      username: 'owner@example.com',
      password: 'correct horse battery staple',
      ...options.credentials,
    });
    this.eventTypes = options.eventTypes ?? ['ORDER_SHIPPED', 'ORDER_UPDATED', 'ORDER_CANCELED'];
    this.bareArrays = options.bareArrays ?? false;
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  /** The next calls (login included) answer these statuses, one each. */
  failNext(...faults: Fault[]): void {
    this.faults.push(...faults);
  }

  addWebhook(
    fields: Partial<FakeWebhook> & { event: string; remote_endpoint: string },
  ): FakeWebhook {
    const now = violetDate();
    const webhook: FakeWebhook = {
      id: (this.nextWebhookId += 1),
      app_id: APP_ID,
      status: 'ACTIVE',
      date_created: now,
      date_last_modified: now,
      events_count: 0,
      failure_rate: 0,
      temp_disable_ms: 0,
      ...fields,
    };
    this.webhooks.set(webhook.id, webhook);
    return webhook;
  }

  /** Violet sends an event: one delivery per ACTIVE webhook of its type, tried `maxAttempts` times. */
  async emit(
    type: string,
    payload: unknown,
    entityId: number | null = null,
  ): Promise<FakeDelivery[]> {
    const sent: FakeDelivery[] = [];
    for (const webhook of this.webhooks.values()) {
      if (webhook.event !== type || webhook.status !== 'ACTIVE') continue;
      const delivery = this.record(webhook, type, JSON.stringify(payload), entityId);
      await this.deliver(delivery);
      sent.push(delivery);
    }
    return sent;
  }

  private record(
    webhook: FakeWebhook,
    type: string,
    body: string,
    entityId: number | null,
    source?: string,
  ): FakeDelivery {
    const now = violetDate();
    const delivery: FakeDelivery = {
      id: nextEventId(),
      app_id: APP_ID,
      webhook_id: webhook.id,
      entity_id: entityId,
      event_type: type,
      remote_endpoint: webhook.remote_endpoint,
      status: 'CREATED',
      status_code: null,
      attempts: 0,
      date_created: now,
      date_last_modified: now,
      body,
      ...(source === undefined ? {} : { source_event_id: source }),
    };
    this.log.push(delivery);
    return delivery;
  }

  private async deliver(delivery: FakeDelivery): Promise<void> {
    const route = this.options.route ?? ((url: string) => url);
    const max = this.options.maxAttempts ?? 3;
    while (delivery.attempts < max) {
      delivery.attempts += 1;
      const status = await post(
        route(delivery.remote_endpoint),
        delivery,
        this.auth.credentials.appSecret,
      );
      delivery.status_code = status;
      delivery.date_last_modified = violetDate();
      if (status >= 200 && status < 300) {
        delivery.status = 'SUCCEEDED';
        return;
      }
    }
    delivery.status = 'FAILED';
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://fake');
    this.calls.push(`${req.method} ${url.pathname}${url.search}`);
    const [status, body, headers] = await this.answer(req, url, Buffer.concat(chunks).toString());
    const text = body === undefined ? '' : JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(text);
  }

  private async answer(req: http.IncomingMessage, url: URL, text: string): Promise<Answer> {
    const fault = this.faults.shift();
    if (fault !== undefined) {
      const headers: Record<string, string> = {};
      if (fault.retryAfter !== undefined) headers['retry-after'] = fault.retryAfter;
      return [
        fault.status,
        { status: fault.status, message: fault.message ?? 'injected fault' },
        headers,
      ];
    }
    const { appId, appSecret } = this.auth.credentials;
    if (
      req.headers['x-violet-app-id'] !== appId ||
      req.headers['x-violet-app-secret'] !== appSecret
    ) {
      return [401, { status: 401, message: 'Invalid app credentials' }];
    }
    const path = url.pathname.replace(/^\/v1/, '');
    const body = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
    const token = req.headers['x-violet-token'] as string | undefined;
    if (req.method === 'POST' && path === '/login') {
      const user = this.auth.login(body.username, body.password);
      return user === undefined
        ? [401, { message: 'Invalid username or password' }]
        : [200, { id: 1, ...user }];
    }
    if (req.method === 'GET' && path === '/auth/token') {
      const fresh = this.auth.refresh(token);
      return fresh === undefined
        ? [401, { message: 'Invalid refresh token' }]
        : [200, { token: fresh }];
    }
    const state = this.auth.check(token);
    if (state === 'expired') {
      return [
        401,
        { status: 401, message: 'Token has expired', error_code: 11, timestamp: Date.now() },
      ];
    }
    if (state === 'invalid') return [401, { status: 401, message: 'Invalid token' }];
    return this.route(req.method ?? 'GET', path, url.searchParams, body);
  }

  private async route(
    method: string,
    path: string,
    query: URLSearchParams,
    body: Record<string, unknown>,
  ): Promise<Answer> {
    const parts = path.split('/').filter(Boolean); // events, webhooks, ...
    if (parts[0] !== 'events' || parts[1] !== 'webhooks') return [404, { message: 'Not found' }];
    const [, , first, second, third, fourth] = parts;
    if (first === undefined) {
      if (method === 'POST') return this.save(undefined, body);
      const list = [...this.webhooks.values()].filter(
        (w) => !query.has('event') || w.event === query.get('event'),
      );
      return [200, list];
    }
    if (first === 'event' && second === 'types') return [200, this.eventTypes];
    if (first === 'status' && second !== undefined && method === 'PUT') {
      for (const webhook of this.webhooks.values()) webhook.status = second;
      return [200];
    }
    const scope = first === 'all' ? undefined : this.webhooks.get(Number(first));
    if (first !== 'all' && scope === undefined) return [404, { message: `No webhook ${first}` }];
    if (second === undefined) {
      if (method === 'GET') return [200, scope];
      if (method === 'PUT') return this.save(scope, body);
      if (method === 'DELETE') return [this.webhooks.delete(Number(first)) ? 204 : 404];
    }
    if (second !== 'events') return [404, { message: 'Not found' }];
    if (third === undefined) return [200, this.page(scope?.id, query)];
    const delivery = this.log.find(
      (d) => d.id === third && (scope === undefined || d.webhook_id === scope.id),
    );
    if (delivery === undefined) return [404, { message: `No event ${third}` }];
    if (fourth === undefined) return [200, record(delivery)];
    if (fourth === 'body')
      return [
        200,
        { body: delivery.body, date_created: delivery.date_created, length: delivery.body.length },
      ];
    if (fourth === 'resend' && method === 'POST') {
      const webhook = this.webhooks.get(delivery.webhook_id) as FakeWebhook;
      const copy = this.record(
        webhook,
        delivery.event_type,
        delivery.body,
        delivery.entity_id,
        delivery.id,
      );
      // Violet answers at once (status CREATED) and delivers after.
      const answer = record(copy);
      void this.deliver(copy);
      return [200, answer];
    }
    return [404, { message: 'Not found' }];
  }

  private save(existing: FakeWebhook | undefined, body: Record<string, unknown>): Answer {
    const endpoint = body.remote_endpoint;
    if (typeof endpoint !== 'string' || !endpoint.startsWith('https://')) {
      return [400, { message: 'remote_endpoint must be an HTTPS URL' }];
    }
    if (typeof body.event !== 'string' || !this.eventTypes.includes(body.event)) {
      return [400, { message: `Unknown event type ${String(body.event)}` }];
    }
    const status = typeof body.status === 'string' ? body.status : 'ACTIVE';
    if (existing === undefined) {
      return [200, this.addWebhook({ event: body.event, remote_endpoint: endpoint, status })];
    }
    Object.assign(existing, {
      event: body.event,
      remote_endpoint: endpoint,
      status,
      temp_disable_ms: 0,
    });
    existing.date_last_modified = violetDate();
    return [200, existing];
  }

  /** The log, newest first, paged as Spring does (page from 1 in the query, `number` from 0). */
  private page(webhookId: number | undefined, query: URLSearchParams): unknown {
    const since = Number(query.get('since') ?? 0);
    const all = this.log
      .filter((d) => webhookId === undefined || d.webhook_id === webhookId)
      .filter((d) => Date.parse(d.date_created) >= since)
      .sort(newestFirst)
      .map(record);
    if (this.bareArrays) return all;
    const size = Number(query.get('size') ?? 20);
    const page = Number(query.get('page') ?? 1);
    const content = all.slice((page - 1) * size, page * size);
    const totalPages = Math.max(1, Math.ceil(all.length / size));
    return {
      content,
      first: page === 1,
      last: page >= totalPages,
      number: page - 1,
      size,
      number_of_elements: content.length,
      total_elements: all.length,
      total_pages: totalPages,
      empty: content.length === 0,
    };
  }
}

/** A log record as the API shows it: without the body. */
function record(delivery: FakeDelivery): Omit<FakeDelivery, 'body' | 'source_event_id'> {
  const { body: _body, source_event_id: _source, ...rest } = delivery;
  void _body;
  void _source;
  return rest;
}
