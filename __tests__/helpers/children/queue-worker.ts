// A worker process, run by the queue tests: prints `RUN <event id> <pid>` when a listener starts
// and `DONE <event id> <pid>` when it ends; events whose id starts with `slow-` take SLOW_MS.
// SIGTERM closes the worker (letting a running job finish) and prints `CLOSED`.
import { createVioletWorker } from '../../../lib/bullmq';

const env = process.env;
const worker = createVioletWorker({
  connection: { host: '127.0.0.1', port: Number(env.QUEUE_PORT) },
  name: 'violet',
  prefix: env.PREFIX,
  concurrency: Number(env.CONCURRENCY ?? 8),
  lockDuration: Number(env.LOCK_MS ?? 30_000),
  stalledInterval: Number(env.LOCK_MS ?? 30_000),
});
const slowMs = Number(env.SLOW_MS ?? 0);
worker.on('*', async (event) => {
  process.stdout.write(`RUN ${event.id} ${process.pid}\n`);
  if (event.id.startsWith('slow-') || (slowMs > 0 && env.ALL_SLOW === '1')) {
    await new Promise((resolve) => setTimeout(resolve, slowMs));
  }
  process.stdout.write(`DONE ${event.id} ${process.pid}\n`);
});
worker.on('error', (error) => process.stdout.write(`ERROR ${error.code} ${error.eventId}\n`));
process.once('SIGTERM', () => {
  void worker.close().then(() => {
    process.stdout.write('CLOSED\n');
    process.exit(0);
  });
});
void worker.worker.waitUntilReady().then(() => process.stdout.write('READY\n'));
