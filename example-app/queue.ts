// `npm run example:queue`: the example app in queued mode, as two processes. This one receives
// webhooks (VIOLET_APP_SECRET, PORT) and forks the worker; both reach Redis at REDIS_URL
// (default redis://127.0.0.1:6379). The job dashboard at /admin/queues is served only with
// DASHBOARD_USER and DASHBOARD_PASSWORD set, and asks for them (HTTP Basic: use it over HTTPS).
// Ctrl-C stops both, letting running jobs finish.
import { fork } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { listen } from './app';
import { credentialsFromEnv } from './basic-auth';
import { createQueuedApp, startWorker } from './queued-app';

const setup = {
  redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  prefix: process.env.QUEUE_PREFIX, // BullMQ's key prefix, 'bull' when unset
  dashboard: credentialsFromEnv(),
};
const log = (line: string) => console.log(line);

if (process.argv[2] === 'worker') {
  const worker = startWorker(setup, log);
  console.log('Worker started: it runs the listeners of every queued delivery.');
  process.once('SIGTERM', () => void worker.close().then(() => process.exit(0)));
  process.once('SIGINT', () => undefined); // the web process sends SIGTERM
} else {
  const secret = process.env.VIOLET_APP_SECRET;
  if (secret === undefined || secret === '') {
    console.error('Set VIOLET_APP_SECRET to your Violet app secret.');
    process.exit(1);
  }
  const worker = fork(__filename, ['worker']);
  const { app, close } = createQueuedApp(secret, setup, log);
  const server = listen(app, Number(process.env.PORT ?? 3000));
  server.on('listening', () => {
    const { port } = server.address() as AddressInfo;
    console.log(`Receiving Violet webhooks on http://localhost:${port}/webhooks/violet`);
    console.log(
      setup.dashboard === undefined
        ? 'No job dashboard: set DASHBOARD_USER and DASHBOARD_PASSWORD to serve /admin/queues.'
        : `Jobs: http://localhost:${port}/admin/queues (user ${setup.dashboard.user})`,
    );
  });
  const stop = () => {
    server.close();
    worker.kill('SIGTERM');
    worker.once('exit', () => void close().then(() => process.exit(0)));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
