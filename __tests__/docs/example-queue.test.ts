import { Child } from '../helpers/child';
import { dropPrefix, testPrefix } from '../helpers/bullmq';
import { until } from '../helpers/wait';
import { delivery } from '../helpers/deliveries';
import { describeWithSharedRedis } from '../helpers/redis';

const SECRET = 'example-queue-secret';
const DASHBOARD = { user: 'ops', password: 'example-dashboard-password' };
const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const AS_OPS = { authorization: basic(DASHBOARD.user, DASHBOARD.password) };

/** `npm run example:queue` with `dashboard` credentials (empty: none); its origin once it runs. */
async function startExample(url: string, prefix: string, dashboard: typeof DASHBOARD) {
  const app = new Child('../../../example-app/queue.ts', {
    REDIS_URL: url,
    QUEUE_PREFIX: prefix,
    PORT: '0',
    VIOLET_APP_SECRET: SECRET,
    DASHBOARD_USER: dashboard.user,
    DASHBOARD_PASSWORD: dashboard.password,
  });
  const line = await app.waitFor(/^Receiving Violet webhooks on /);
  const base = (/(http:\/\/localhost:\d+)/.exec(line) as RegExpExecArray)[1] as string;
  return { app, base };
}

// `npm run example:queue` as a person runs it: the web process, the worker it forks, and Bull
// Board at /admin/queues.
describeWithSharedRedis('the example app in queued mode', (url) => {
  const prefix = testPrefix();
  let app: Child;
  let base = '';

  beforeAll(async () => {
    ({ app, base } = await startExample(url, prefix, DASHBOARD));
    await app.waitFor(/^Worker started/);
  }, 30_000);
  afterAll(async () => {
    app.kill('SIGTERM');
    await app.exited;
    await dropPrefix(url, prefix);
  });

  test('a delivery is answered once queued, and the worker runs its listener', async () => {
    const d = delivery('ORDER_SHIPPED', { secret: SECRET, bagId: 11111, eventId: 'example-1' });
    const res = await fetch(`${base}/webhooks/violet`, {
      method: 'POST',
      headers: d.headers,
      body: d.body,
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: true });
    await app.waitFor(/^order 12345: bag 11111 from Maple & Pine Outfitters shipped/);
    await app.waitFor(/^ {2}\(audit\) ORDER_SHIPPED event example-1$/);
  });

  test.each([
    ['no credentials', {}],
    ['a wrong password', { authorization: basic(DASHBOARD.user, 'guess') }],
    ['a wrong user', { authorization: basic('admin', DASHBOARD.password) }],
    ['another scheme', { authorization: `Bearer ${DASHBOARD.password}` }],
  ])('the dashboard and its API answer 401 to %s', async (_, headers) => {
    for (const path of ['/admin/queues', '/admin/queues/api/queues']) {
      const res = await fetch(`${base}${path}`, { headers });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
      expect(await res.text()).not.toContain('violet-webhooks');
    }
  });

  test('Bull Board shows the queue to its user: its page and its API', async () => {
    const page = await fetch(`${base}/admin/queues`, { headers: AS_OPS });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toMatch(/<div id="root">/);
    let queues: Array<{ name: string; counts: Record<string, number> }> = [];
    await until(async () => {
      const api = await fetch(`${base}/admin/queues/api/queues`, { headers: AS_OPS });
      queues = ((await api.json()) as { queues: typeof queues }).queues;
      return queues[0]?.counts.completed === 1;
    });
    expect(queues.map((q) => q.name)).toEqual(['violet-webhooks']);
    expect(queues[0]?.counts).toMatchObject({ completed: 1, failed: 0 });
  });

  test('SIGTERM stops the web process and its worker', async () => {
    app.kill('SIGTERM');
    expect(await app.exited).toBe(0);
  });
});

describeWithSharedRedis('the example app in queued mode without dashboard credentials', (url) => {
  const prefix = testPrefix();
  let app: Child;
  let base = '';

  beforeAll(async () => {
    ({ app, base } = await startExample(url, prefix, { user: '', password: '' }));
    await app.waitFor(/^No job dashboard: set DASHBOARD_USER and DASHBOARD_PASSWORD/);
  }, 30_000);
  afterAll(async () => {
    app.kill('SIGTERM');
    await app.exited;
    await dropPrefix(url, prefix);
  });

  test('serves no dashboard, with or without credentials', async () => {
    for (const headers of [{}, AS_OPS]) {
      const res = await fetch(`${base}/admin/queues/api/queues`, { headers });
      expect(res.status).toBe(404);
    }
  });
});
