import { once } from 'node:events';
import type { VioletEvent } from '../../lib';
import { samplePayload } from '../../lib/testing';
import { createApp, listen } from '../../example-app/app';
import { cli } from '../helpers/cli';
import { freePort } from '../helpers/ports';
import { until } from '../helpers/wait';
import { cliEnv, FakeViolet } from '../helpers/fake-violet';

// The example app behind the fake Violet: while the endpoint is down, Violet's deliveries fail
// until they are FAILED; `violet-webhooks recover` then has them resent, and each is processed once.
const ENDPOINT = 'https://shop.example.com/webhooks/violet';

test('recover resends what failed while the endpoint was down; each event is processed once', async () => {
  const port = await freePort();
  const fake = await new FakeViolet({
    eventTypes: ['ORDER_SHIPPED', 'ORDER_UPDATED'],
    route: (url) => url.replace('https://shop.example.com', `http://127.0.0.1:${port}`),
    maxAttempts: 3,
  }).start();
  const env = cliEnv(fake);
  const { app, violet } = createApp(fake.auth.credentials.appSecret, () => undefined);
  const seen: Array<{ id: string; type: string; source: string | undefined }> = [];
  violet.on('*', (event: VioletEvent) => {
    seen.push({ id: event.id, type: event.rawType, source: event.sourceEventId });
  });
  let server: ReturnType<typeof listen> | undefined;
  try {
    expect((await cli(['subscribe', ENDPOINT], { env })).code).toBe(0);
    // The endpoint is down: nothing listens on its port.
    const shipped = samplePayload('ORDER_SHIPPED');
    const other = { ...samplePayload('ORDER_SHIPPED'), id: 54321 };
    const failed = [
      ...(await fake.emit('ORDER_SHIPPED', shipped, shipped.id)),
      ...(await fake.emit('ORDER_SHIPPED', other, other.id)),
      ...(await fake.emit('ORDER_UPDATED', shipped, shipped.id)),
    ];
    expect(failed.map((d) => [d.status, d.attempts])).toEqual([
      ['FAILED', 3],
      ['FAILED', 3],
      ['FAILED', 3],
    ]);

    server = listen(app, port, '127.0.0.1');
    await once(server, 'listening');

    const dry = await cli(['recover', '--since', '3d', '--dry-run'], { env });
    expect(dry.code).toBe(0);
    expect(dry.stdout.match(/^would resend {2}ORDER_(SHIPPED|UPDATED) event/gm)).toHaveLength(3);
    expect(dry.stdout).toContain('3 to resend, 0 left out');
    expect(fake.log).toHaveLength(3);

    const run = await cli(['recover', '--since', '3d'], { env });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('3 resent, 0 left out (a later delivery succeeded), 0 failed.');
    await until(() => seen.length === 3 && fake.log.every((d) => d.status !== 'CREATED'));
    const copies = fake.log.slice(3);
    expect(copies.map((d) => d.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
    expect(seen.map((e) => e.source).sort()).toEqual(failed.map((d) => d.id).sort());
    expect(seen.map((e) => e.id).sort()).toEqual(copies.map((d) => d.id).sort());

    const again = await cli(['recover', '--since', '3d'], { env });
    expect(again.stdout).toContain('0 resent, 3 left out (a later delivery succeeded), 0 failed.');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(seen).toHaveLength(3);
  } finally {
    server?.closeAllConnections();
    server?.close();
    await fake.stop();
  }
}, 60_000);
