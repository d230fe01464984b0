// `npm run demo`: starts the example app on a free loopback port, sends it signed sample
// deliveries, prints what each listener received and each answer, then exits (non-zero if an
// answer is not the one expected).
import type { AddressInfo } from 'node:net';
import { createDelivery } from 'express-violet-webhooks/testing';
import { createApp, listen } from './app';

const secret = 'demo-app-secret';

interface Step {
  title: string;
  delivery: { headers: Record<string, string>; body: string };
  expect: number;
}

const shipped = createDelivery({ type: 'ORDER_SHIPPED', secret, bagId: 11111 });
const steps: Step[] = [
  { title: 'An order shipped', delivery: shipped, expect: 200 },
  {
    title: 'One line item refunded',
    delivery: createDelivery({ type: 'ORDER_REFUNDED', secret, bagId: 11111, skuId: 33332 }),
    expect: 200,
  },
  {
    title: 'A bag cancelled, spelt ORDER_CANCELED',
    delivery: createDelivery({ type: 'ORDER_CANCELED', secret, bagId: 11112 }),
    expect: 200,
  },
  {
    title: 'A merchant connected',
    delivery: createDelivery({ type: 'MERCHANT_CONNECTED', secret }),
    expect: 200,
  },
  {
    title: 'A payment captured',
    delivery: createDelivery({ type: 'PAYMENT_TRANSACTION_CAPTURE_STATUS_CAPTURED', secret }),
    expect: 200,
  },
  {
    title: 'A transfer sent',
    delivery: createDelivery({ type: 'TRANSFER_SENT', secret }),
    expect: 200,
  },
  { title: 'The shipment again (Violet sends duplicates)', delivery: shipped, expect: 200 },
  {
    title: 'A forgery signed with the wrong secret',
    delivery: createDelivery({ type: 'ORDER_REFUNDED', secret: 'guessed-secret' }),
    expect: 401,
  },
];

async function main(): Promise<number> {
  const { app } = createApp(secret, (line) => console.log(`    ${line}`));
  const server = listen(app, 0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/violet`;
  console.log(`Example app listening on ${url}\n`);
  let failures = 0;
  for (const step of steps) {
    console.log(`> ${step.title}: POST ${step.delivery.headers['x-violet-topic']}`);
    const res = await fetch(url, {
      method: 'POST',
      headers: step.delivery.headers,
      body: step.delivery.body,
    });
    const answer = await res.text();
    const ok = res.status === step.expect;
    if (!ok) failures += 1;
    console.log(`  answer: ${res.status} ${answer}${ok ? '' : `   <-- expected ${step.expect}`}\n`);
  }
  // What a dashboard sees: the counter of deliveries, by type, outcome and status.
  const metrics = await (await fetch(url.replace('/webhooks/violet', '/metrics'))).text();
  console.log('Prometheus, at /metrics:');
  for (const line of metrics.split('\n')) {
    if (line.startsWith('violet_webhook_deliveries_total')) console.log(`  ${line}`);
  }
  console.log();
  server.close();
  console.log(
    failures === 0
      ? 'Every delivery got the answer expected.'
      : `${failures} answers were not as expected.`,
  );
  return failures === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
