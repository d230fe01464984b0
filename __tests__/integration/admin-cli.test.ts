import path from 'node:path';
import { cli } from '../helpers/cli';
import { cliEnv, FakeViolet, violetDate } from '../helpers/fake-violet';

const URL_A = 'https://shop.example.com/webhooks/violet';
let fake: FakeViolet;

beforeEach(async () => {
  fake = await new FakeViolet({
    eventTypes: ['ORDER_SHIPPED', 'ORDER_UPDATED', 'ORDER_CANCELED', 'OFFER_SOLD_OUT'],
  }).start();
});
afterEach(() => fake.stop());

const run = (args: string[], env: Record<string, string> = {}) =>
  cli(args, { env: { ...cliEnv(fake), ...env } });

describe('subscribe', () => {
  test('the first run creates one webhook per type; the second changes nothing and says so', async () => {
    const first = await run(['subscribe', URL_A]);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('created  ORDER_SHIPPED');
    expect(first.stdout).toContain('4 created, 0 updated, 0 unchanged.');
    const second = await run(['subscribe', URL_A]);
    expect(second).toMatchObject({ code: 0, stderr: '' });
    expect(second.stdout).toBe(
      `Nothing to change: all 4 event types are subscribed to ${URL_A}.\n`,
    );
    expect(fake.webhooks.size).toBe(4);
  });

  test('--dry-run and --json print the plan and change nothing', async () => {
    const res = await run([
      'subscribe',
      URL_A,
      '--events',
      'ORDER_SHIPPED,ORDER_UPDATED',
      '--dry-run',
      '--json',
    ]);
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toEqual({
      created: [{ event: 'ORDER_SHIPPED' }, { event: 'ORDER_UPDATED' }],
      updated: [],
      unchanged: [],
    });
    expect(fake.webhooks.size).toBe(0);
  });

  test.each([
    ['an http:// URL', ['subscribe', 'http://shop.example.com/hooks'], /https/],
    [
      'an unknown event type',
      ['subscribe', URL_A, '--events', 'ORDER_TELEPORTED'],
      /ORDER_TELEPORTED/,
    ],
    ['no URL', ['subscribe'], /URL to subscribe is missing/],
    ['an unknown option', ['subscribe', URL_A, '--force'], /--force/],
  ])('%s exits 2 before any call', async (_label, args, message) => {
    const res = await run(args);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(message);
    expect(fake.calls).toEqual([]);
  });
});

describe('subscriptions', () => {
  test('--check exits 0 when every subscription is ACTIVE and not paused', async () => {
    fake.addWebhook({
      event: 'ORDER_SHIPPED',
      remote_endpoint: URL_A,
      events_count: 120,
      failure_rate: 0.025,
    });
    const res = await run(['subscriptions', '--check']);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(
      /ORDER_SHIPPED\s+ACTIVE\s+https:\/\/shop\.example\.com\/webhooks\/violet\s+120\s+2\.5%\s+-/,
    );
    expect(res.stdout).toContain('All 1 subscriptions are healthy.');
  });

  test.each([
    ['paused', { temp_disable_ms: 3_900_000 }, /1h 5m/],
    ['INACTIVE', { status: 'INACTIVE' }, /INACTIVE/],
    ['DISABLED', { status: 'DISABLED' }, /DISABLED/],
  ])('--check exits 1 when one is %s', async (_label, fields, shown) => {
    fake.addWebhook({ event: 'ORDER_SHIPPED', remote_endpoint: URL_A });
    fake.addWebhook({ event: 'ORDER_UPDATED', remote_endpoint: URL_A, ...fields });
    const res = await run(['subscriptions', '--check']);
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(shown);
    expect(res.stdout).toContain('1 of 2 subscriptions are paused or not ACTIVE.');
    expect((await run(['subscriptions'])).code).toBe(0);
  });

  test('--json prints JSON only', async () => {
    fake.addWebhook({ event: 'ORDER_SHIPPED', remote_endpoint: URL_A });
    const res = await run(['subscriptions', '--json']);
    expect(JSON.parse(res.stdout)).toMatchObject([{ event: 'ORDER_SHIPPED', status: 'ACTIVE' }]);
  });
});

describe('deliveries, resend and types --remote', () => {
  function seed() {
    const webhook = fake.addWebhook({ event: 'ORDER_SHIPPED', remote_endpoint: URL_A });
    for (const [id, status] of [
      ['81', 'FAILED'],
      ['82', 'SUCCEEDED'],
    ] as const) {
      fake.log.push({
        id,
        app_id: 4242,
        webhook_id: webhook.id,
        entity_id: 12345,
        event_type: 'ORDER_SHIPPED',
        remote_endpoint: URL_A,
        status,
        status_code: status === 'FAILED' ? 503 : 200,
        attempts: 3,
        date_created: violetDate(),
        date_last_modified: violetDate(),
        body: '{"id":12345,"bags":[]}',
      });
    }
    return webhook;
  }

  test('deliveries lists the log, filters by status, and prints JSON only with --json', async () => {
    seed();
    const table = await run(['deliveries']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/EVENT ID\s+WEBHOOK\s+TYPE\s+STATUS/);
    expect(table.stdout).toContain('2 deliveries.');
    const failed = await run(['deliveries', '--status', 'failed', '--since', '3d', '--json']);
    expect(JSON.parse(failed.stdout).map((d: { id: string }) => d.id)).toEqual(['81']);
  });

  test('resend asks for a copy and prints its new event id', async () => {
    const webhook = seed();
    const res = await run(['resend', String(webhook.id), '81']);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(
      new RegExp(
        `^Resent event 81 of webhook ${webhook.id}: the copy is event \\d+ \\(CREATED\\)\\.`,
      ),
    );
    const missing = await run(['resend', String(webhook.id), '999']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(
      /POST \/events\/webhooks\/\d+\/events\/999\/resend failed with 404/,
    );
  });

  test('types --remote marks the types only one side knows', async () => {
    const res = await run(['types', '--remote']);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/ORDER_SHIPPED\s+order\s+both/);
    expect(res.stdout).toMatch(/ORDER_CANCELLED\s+order\s+both/); // Violet spells it ORDER_CANCELED
    expect(res.stdout).toMatch(/MERCHANT_CONNECTED\s+merchant\s+package only/);
    expect(res.stdout).toMatch(/OFFER_SOLD_OUT\s+-\s+Violet only/);
    const json = JSON.parse((await run(['types', '--remote', '--json'])).stdout);
    expect(json).toContainEqual({ type: 'OFFER_SOLD_OUT', family: '-', where: 'Violet only' });
  });
});

describe('environments and credentials', () => {
  const stub = path.join(__dirname, '../helpers/children/stub-fetch.cjs');
  const creds = {
    VIOLET_APP_ID: '1',
    VIOLET_APP_SECRET: 's3cr3t-value',
    VIOLET_USERNAME: 'u@example.com',
    VIOLET_PASSWORD: 'pa55word',
  };

  test('the sandbox is the default; --live is needed for the live API', async () => {
    const sandbox = await cli(['subscriptions'], { env: creds, preload: stub });
    expect(sandbox.stderr).toContain('FETCH POST https://sandbox-api.violet.io/v1/login');
    const live = await cli(['subscriptions', '--live'], { env: creds, preload: stub });
    expect(live.stderr).toContain('FETCH POST https://api.violet.io/v1/login');
    expect(live.stderr).not.toContain('sandbox');
  });

  test('missing credentials are named, never echoed, with exit 2', async () => {
    const res = await cli(['subscriptions'], { env: { VIOLET_APP_SECRET: 's3cr3t-value' } });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('VIOLET_APP_ID, VIOLET_USERNAME, VIOLET_PASSWORD must be set');
    expect(res.stderr).not.toContain('s3cr3t-value');
  });
});

test('no secret, password or token reaches any output or log line, whatever fails', async () => {
  const debug = { DEBUG: 'violet-webhooks:*' };
  const { appSecret, password } = fake.auth.credentials;
  const outputs: string[] = [];
  const collect = async (args: string[], env: Record<string, string> = {}) => {
    const res = await run(args, { ...debug, ...env });
    outputs.push(res.stdout, res.stderr);
    return res;
  };
  await collect(['subscribe', URL_A]); // logs in: tokens now exist
  fake.auth.expireAll();
  await collect(['subscriptions', '--check', '--json']);
  await collect(['subscriptions'], { VIOLET_PASSWORD: `${password}x` });
  await collect(['subscriptions'], { VIOLET_APP_SECRET: `${appSecret}y` });
  fake.failNext({ status: 400, message: `rejected header x-violet-app-secret: ${appSecret}` });
  const echoed = await collect(['deliveries']);
  expect(echoed.stderr).toContain('[redacted]');
  fake.failNext(...Array.from({ length: 4 }, () => ({ status: 503 })));
  await collect(['deliveries']);
  await collect(['resend', '1', '2']);
  await collect(['recover', '--since', '3d']);
  await collect(['subscribe', 'http://x.example']);
  await collect(['subscriptions'], { VIOLET_API_URL: 'http://127.0.0.1:9/v1' });
  const text = outputs.join('\n');
  expect(text).toContain('violet-webhooks:admin');
  for (const secret of fake.auth.secrets()) expect(text).not.toContain(secret);
}, 60_000);

test('types --json prints the package list as JSON only, with no call', async () => {
  const res = await run(['types', '--json']);
  expect(res.code).toBe(0);
  const list = JSON.parse(res.stdout) as Array<{ type: string; family: string }>;
  expect(list).toContainEqual({
    type: 'PAYMENT_TRANSACTION_CAPTURE_STATUS_CAPTURED',
    family: 'transaction',
  });
  expect(fake.calls).toEqual([]);
});
