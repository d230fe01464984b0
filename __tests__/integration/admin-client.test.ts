import { VioletAdmin, VioletApiError } from '../../lib/admin';
import type { FakeViolet } from '../helpers/fake-violet';
import { fakeWithClient, violetDate } from '../helpers/fake-violet';

const URL_A = 'https://shop.example.com/webhooks/violet';
const URL_B = 'https://old.example.com/hooks';
let fake: FakeViolet;
let admin: VioletAdmin;

beforeEach(async () => {
  ({ fake, admin } = await fakeWithClient({
    eventTypes: ['ORDER_SHIPPED', 'ORDER_UPDATED', 'ORDER_CANCELED', 'MERCHANT_CONNECTED'],
  }));
});
afterEach(() => fake.stop());

describe('login and tokens', () => {
  test('logs in on first use, once for concurrent calls, and sends the app headers', async () => {
    await Promise.all([admin.webhooks(), admin.eventTypes(), admin.webhooks()]);
    expect(fake.auth.logins).toBe(1);
    expect(fake.calls.filter((c) => c === 'POST /v1/login')).toHaveLength(1);
  });

  test('a token that expires during a run is refreshed once, and the call succeeds', async () => {
    await admin.webhooks();
    fake.auth.expireAll();
    await expect(admin.eventTypes()).resolves.toContain('ORDER_SHIPPED');
    expect(fake.auth.refreshes).toBe(1);
    expect(fake.auth.logins).toBe(1);
    await admin.webhooks();
    expect(fake.auth.refreshes).toBe(1);
  });

  test('a token close to its exp is renewed before it is used', async () => {
    fake.auth.tokenLifeSeconds = 2;
    await admin.webhooks();
    await new Promise((resolve) => setTimeout(resolve, 2100));
    await admin.webhooks();
    expect(fake.auth.refreshes).toBe(1);
    expect(fake.calls.filter((c) => c.startsWith('GET /v1/events/webhooks'))).toHaveLength(2);
  });

  test('wrong credentials fail with 401 and no secret in the message', async () => {
    const wrong = new VioletAdmin({
      ...fake.auth.credentials,
      password: 'not-the-password',
      baseUrl: fake.url,
    });
    const error = await wrong.webhooks().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VioletApiError);
    expect(error).toMatchObject({ status: 401, method: 'POST', path: '/login' });
    expect(String((error as Error).message)).not.toContain('not-the-password');
  });
});

describe('retries', () => {
  test('429 with Retry-After and 5xx are tried again, a bounded number of times', async () => {
    fake.failNext({ status: 429, retryAfter: '1' }, { status: 503 });
    const started = Date.now();
    await expect(admin.webhooks()).resolves.toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    fake.failNext(...Array.from({ length: 4 }, () => ({ status: 502 })));
    const calls = fake.calls.length;
    const error = await admin.eventTypes().catch((e: unknown) => e);
    expect(error).toMatchObject({
      status: 502,
      method: 'GET',
      path: '/events/webhooks/event/types',
    });
    expect(fake.calls.length - calls).toBe(4); // the first try and three more
  });

  test('a 4xx is not tried again', async () => {
    await admin.webhooks();
    const calls = fake.calls.length;
    await expect(admin.deleteWebhook(12345)).rejects.toMatchObject({ status: 404 });
    expect(fake.calls.length - calls).toBe(1);
  });
});

describe('webhooks', () => {
  test('create, read, update and delete one, and list them', async () => {
    const made = await admin.createWebhook({ event: 'ORDER_SHIPPED', url: URL_A });
    expect(made).toMatchObject({
      event: 'ORDER_SHIPPED',
      remote_endpoint: URL_A,
      status: 'ACTIVE',
    });
    const changed = await admin.updateWebhook(made.id, {
      event: 'ORDER_SHIPPED',
      url: URL_B,
      status: 'INACTIVE',
    });
    expect(changed).toMatchObject({ remote_endpoint: URL_B, status: 'INACTIVE' });
    expect(await admin.webhooks({ extended: true })).toEqual([changed]);
    expect(fake.calls).toContain('GET /v1/events/webhooks?extended=true');
    await admin.deleteWebhook(made.id);
    expect(await admin.webhooks()).toEqual([]);
  });

  test('an http:// endpoint is refused before any call', async () => {
    await expect(
      admin.createWebhook({ event: 'ORDER_SHIPPED', url: 'http://a.example' }),
    ).rejects.toThrow(TypeError);
    expect(() => admin.subscribe({ url: 'http://a.example', events: 'all' })).rejects.toThrow(
      /https/,
    );
    expect(fake.calls).toEqual([]);
  });
});

describe('subscribe', () => {
  test("subscribes every type of Violet's list; a second run changes nothing and says so", async () => {
    const first = await admin.subscribe({ url: URL_A, events: 'all' });
    expect(first.created.map((c) => c.event).sort()).toEqual([...fake.eventTypes].sort());
    expect(
      [...fake.webhooks.values()].every(
        (w) => w.remote_endpoint === URL_A && w.status === 'ACTIVE',
      ),
    ).toBe(true);
    const calls = fake.calls.length;
    const second = await admin.subscribe({ url: URL_A, events: 'all' });
    expect(second).toMatchObject({ created: [], updated: [] });
    expect(second.unchanged).toHaveLength(fake.eventTypes.length);
    expect(fake.calls.slice(calls).every((c) => c.startsWith('GET '))).toBe(true);
  });

  test('a DISABLED and a re-pointed subscription are set right; others are left alone', async () => {
    const disabled = fake.addWebhook({
      event: 'ORDER_SHIPPED',
      remote_endpoint: URL_A,
      status: 'DISABLED',
    });
    const elsewhere = fake.addWebhook({ event: 'ORDER_UPDATED', remote_endpoint: URL_B });
    const other = fake.addWebhook({ event: 'MERCHANT_CONNECTED', remote_endpoint: URL_B });
    const plan = await admin.subscribe({ url: URL_A, events: ['ORDER_SHIPPED', 'ORDER_UPDATED'] });
    expect(plan.updated).toEqual([
      { event: 'ORDER_SHIPPED', webhookId: disabled.id, from: { url: URL_A, status: 'DISABLED' } },
      { event: 'ORDER_UPDATED', webhookId: elsewhere.id, from: { url: URL_B, status: 'ACTIVE' } },
    ]);
    expect(fake.webhooks.get(disabled.id)).toMatchObject({
      status: 'ACTIVE',
      remote_endpoint: URL_A,
    });
    expect(fake.webhooks.get(elsewhere.id)).toMatchObject({
      status: 'ACTIVE',
      remote_endpoint: URL_A,
    });
    expect(fake.webhooks.get(other.id)).toMatchObject({ remote_endpoint: URL_B });
  });

  test('dryRun plans and changes nothing', async () => {
    fake.addWebhook({ event: 'ORDER_SHIPPED', remote_endpoint: URL_A, status: 'INACTIVE' });
    const plan = await admin.subscribe({
      url: URL_A,
      events: ['ORDER_SHIPPED', 'ORDER_UPDATED'],
      dryRun: true,
    });
    expect(plan.created).toEqual([{ event: 'ORDER_UPDATED' }]);
    expect(plan.updated).toHaveLength(1);
    expect(fake.calls.some((c) => c.startsWith('POST /v1/events') || c.startsWith('PUT '))).toBe(
      false,
    );
  });

  test('an unknown event type is refused before any call', async () => {
    await expect(admin.subscribe({ url: URL_A, events: ['ORDER_TELEPORTED'] })).rejects.toThrow(
      /unknown event type ORDER_TELEPORTED/,
    );
    expect(fake.calls).toEqual([]);
  });
});

describe('the delivery log', () => {
  function seed(
    count: number,
    fields: { status?: 'FAILED' | 'SUCCEEDED'; minutesAgo?: number } = {},
  ) {
    const webhook = fake.addWebhook({ event: 'ORDER_SHIPPED', remote_endpoint: URL_A });
    for (let i = 0; i < count; i++) {
      const at = violetDate(Date.now() - (fields.minutesAgo ?? 0) * 60_000 - i);
      fake.log.push({
        id: String(7_000_000 + fake.log.length),
        app_id: 4242,
        webhook_id: webhook.id,
        entity_id: 12345,
        event_type: 'ORDER_SHIPPED',
        remote_endpoint: URL_A,
        status: fields.status ?? 'SUCCEEDED',
        status_code: 200,
        attempts: 1,
        date_created: at,
        date_last_modified: at,
        body: '{"id":12345,"bags":[]}',
      });
    }
    return webhook;
  }

  test('a log of several pages is read to the end', async () => {
    seed(250);
    const all = [];
    for await (const delivery of admin.deliveries()) all.push(delivery);
    expect(all).toHaveLength(250);
    expect(new Set(all.map((d) => d.id)).size).toBe(250);
    expect(
      fake.calls.filter((c) => c.startsWith('GET /v1/events/webhooks/all/events')),
    ).toHaveLength(3);
  });

  test('a log rendered as a bare array is read too', async () => {
    seed(30);
    fake.bareArrays = true;
    const all = [];
    for await (const delivery of admin.deliveries()) all.push(delivery);
    expect(all).toHaveLength(30);
  });

  test('filters by webhook, status, type and since', async () => {
    const failed = seed(3, { status: 'FAILED' });
    seed(2, { minutesAgo: 120 });
    const got = [];
    for await (const d of admin.deliveries({
      webhookId: failed.id,
      status: 'FAILED',
      type: 'ORDER_SHIPPED',
    }))
      got.push(d);
    expect(got).toHaveLength(3);
    const recent = [];
    for await (const d of admin.deliveries({ since: new Date(Date.now() - 3600_000) }))
      recent.push(d);
    expect(recent).toHaveLength(3);
  });

  test('one body, and a resend that makes a copy with a new event id', async () => {
    const webhook = seed(1, { status: 'FAILED' });
    const [original] = fake.log;
    expect(await admin.deliveryBody(webhook.id, original!.id)).toMatchObject({
      body: original!.body,
    });
    const copy = await admin.resend(webhook.id, original!.id);
    expect(copy.id).not.toBe(original!.id);
    expect(copy).toMatchObject({ webhook_id: webhook.id, event_type: 'ORDER_SHIPPED' });
  });
});

describe('recover', () => {
  function logEntry(
    id: string,
    webhookId: number,
    entity: number,
    status: 'FAILED' | 'SUCCEEDED',
    minutesAgo: number | string,
  ) {
    const at =
      typeof minutesAgo === 'string' ? minutesAgo : violetDate(Date.now() - minutesAgo * 60_000);
    fake.log.push({
      id,
      app_id: 4242,
      webhook_id: webhookId,
      entity_id: entity,
      event_type: 'ORDER_SHIPPED',
      remote_endpoint: URL_A,
      status,
      status_code: status === 'FAILED' ? 503 : 200,
      attempts: 1,
      date_created: at,
      date_last_modified: at,
      body: `{"id":${entity},"bags":[]}`,
    });
  }

  test('resends each FAILED delivery once, oldest first, leaving out those a later success superseded and those skip() names', async () => {
    const webhook = fake.addWebhook({ event: 'ORDER_SHIPPED', remote_endpoint: URL_A });
    logEntry('1', webhook.id, 100, 'FAILED', 70);
    logEntry('2', webhook.id, 100, 'SUCCEEDED', 30); // a newer event of the same order came through
    logEntry('3', webhook.id, 200, 'FAILED', 60);
    logEntry('4', webhook.id, 300, 'FAILED', 65);
    logEntry('5', webhook.id, 400, 'FAILED', 5 * 24 * 60); // older than `since`
    logEntry('6', webhook.id, 500, 'FAILED', 90); // the log lists it after '3', newest first
    const since = new Date(Date.now() - 3 * 864e5);
    const skip = (d: { entity_id?: number | string | null }) => d.entity_id === 300;

    const dry = await admin.recover({ since, skip, dryRun: true });
    expect(dry.planned.map((d) => d.id)).toEqual(['6', '3']);
    expect(dry.skipped.map((s) => [s.delivery.id, s.reason])).toEqual([
      ['1', 'succeeded-later'],
      ['4', 'skip'],
    ]);
    expect(dry.resent).toEqual([]);
    expect(fake.log).toHaveLength(6);

    const done = await admin.recover({ since, skip });
    expect(done.resent.map((r) => r.original.id)).toEqual(['6', '3']);
    expect(done.resent[1]?.copy.id).not.toBe('3');
    expect(fake.log).toHaveLength(8);
    expect(fake.log.slice(6).map((d) => d.entity_id)).toEqual([500, 200]);
  });

  test('records of one second, as Violet dates them: oldest first by record id, and a success later in that second supersedes', async () => {
    const webhook = fake.addWebhook({ event: 'ORDER_SHIPPED', remote_endpoint: URL_A });
    const second = violetDate(Date.now() - 10 * 60_000);
    expect(second).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$/);
    logEntry('998', webhook.id, 100, 'FAILED', second);
    logEntry('999', webhook.id, 100, 'SUCCEEDED', second); // supersedes 998
    logEntry('1000', webhook.id, 200, 'FAILED', second);
    logEntry('1001', webhook.id, 300, 'SUCCEEDED', second);
    logEntry('1002', webhook.id, 300, 'FAILED', second); // failed after that success: resent
    logEntry('1003', webhook.id, 400, 'FAILED', second);
    const since = new Date(Date.now() - 864e5);

    const dry = await admin.recover({ since, dryRun: true });
    expect(dry.planned.map((d) => d.id)).toEqual(['1000', '1002', '1003']);
    expect(dry.skipped.map((s) => [s.delivery.id, s.reason])).toEqual([['998', 'succeeded-later']]);

    const done = await admin.recover({ since });
    expect(done.resent.map((r) => r.original.id)).toEqual(['1000', '1002', '1003']);
    expect(fake.log.slice(6).map((d) => d.entity_id)).toEqual([200, 300, 400]);
  });

  test('a resend that fails is reported, and the others still go', async () => {
    const kept = fake.addWebhook({ event: 'ORDER_SHIPPED', remote_endpoint: URL_A });
    const gone = fake.addWebhook({ event: 'ORDER_UPDATED', remote_endpoint: URL_A });
    logEntry('1', gone.id, 100, 'FAILED', 60);
    logEntry('2', kept.id, 200, 'FAILED', 50);
    fake.webhooks.delete(gone.id); // its resend answers 404
    const result = await admin.recover({ since: new Date(Date.now() - 864e5) });
    expect(result.resent.map((r) => r.original.id)).toEqual(['2']);
    expect(result.errors.map((e) => [e.delivery.id, (e.error as VioletApiError).status])).toEqual([
      ['1', 404],
    ]);
  });

  test('recover needs a Date', async () => {
    await expect(admin.recover({ since: new Date('nonsense') })).rejects.toThrow(TypeError);
  });
});

describe('options', () => {
  const creds = {
    appId: 7,
    appSecret: 'app-secret-x',
    username: 'u@example.com',
    password: 'pw-x',
  };

  test.each([
    [{}, 'https://sandbox-api.violet.io/v1/login'],
    [{ environment: 'live' as const }, 'https://api.violet.io/v1/login'],
    [
      { baseUrl: 'https://proxy.example.com/violet/v1/' },
      'https://proxy.example.com/violet/v1/login',
    ],
  ])('%j logs in at %s, through the given fetch', async (options, url) => {
    const seen: string[] = [];
    const stub: typeof fetch = async (input) => {
      seen.push(String(input));
      return new Response('{"message":"no"}', { status: 403 });
    };
    const client = new VioletAdmin({ ...creds, ...options, fetch: stub });
    await expect(client.webhooks()).rejects.toMatchObject({ status: 403, path: '/login' });
    expect(seen).toEqual([url]);
  });

  test.each([
    [{ appSecret: '' }, /appSecret/],
    [{ password: undefined }, /password/],
    [{ environment: 'staging' }, /environment/],
    [{ retries: -1 }, /retries/],
  ])('%j is a TypeError naming the option, never its value', (bad, name) => {
    const make = () => new VioletAdmin({ ...creds, ...bad } as never);
    expect(make).toThrow(TypeError);
    expect(make).toThrow(name);
    expect(make).not.toThrow(/pw-x|app-secret-x/);
  });
});
