import type * as QueueModule from '../bullmq/bullmq-queue';
import { SHOW_HELP, exit, type CommandResult, type Out } from './command';
import { expectPositionals, parse } from './parse-args';
import { table } from './table';
import { UsageError } from './usage';

/** BullMQ connection options from a redis:// or rediss:// URL; the password is never printed. */
function connectionFrom(url: string) {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(
      '--redis (or REDIS_URL) must be a URL like redis://127.0.0.1:6379',
      'queue',
    );
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new UsageError('--redis (or REDIS_URL) must be a redis:// or rediss:// URL', 'queue');
  }
  const db = Number(parsed.pathname.slice(1) || 0);
  return {
    host: parsed.hostname,
    port: Number(parsed.port || 6379),
    ...(parsed.username === '' ? {} : { username: decodeURIComponent(parsed.username) }),
    ...(parsed.password === '' ? {} : { password: decodeURIComponent(parsed.password) }),
    ...(db > 0 ? { db } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
    // A command that cannot reach Redis fails rather than waits.
    maxRetriesPerRequest: 1,
  };
}

/** The BullMQ module, loaded only for this command: bullmq is an optional dependency. */
function loadQueueModule(): typeof QueueModule {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('../bullmq/bullmq-queue') as typeof QueueModule;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') {
      throw new Error('the queue commands need BullMQ: npm install bullmq ioredis');
    }
    throw error;
  }
}

/** `violet-webhooks queue stats|failed|retry`. */
export async function queueCommand(args: readonly string[], out: Out): Promise<CommandResult> {
  const p = parse('queue', args, ['event-id', 'redis', 'name', 'prefix'], ['all', 'json']);
  if (p.help) return SHOW_HELP;
  const [action] = expectPositionals(p, 1, 'queue');
  if (action !== 'stats' && action !== 'failed' && action !== 'retry') {
    throw new UsageError('say what to do: stats, failed or retry', 'queue');
  }
  const eventId = p.options['event-id'];
  if (action === 'retry' && (eventId === undefined) === !p.flags.has('all')) {
    throw new UsageError('retry needs --event-id ID or --all (one of them)', 'queue');
  }
  const connection = connectionFrom(
    p.options.redis ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  );
  const { bullmqQueue } = loadQueueModule();
  const queue = bullmqQueue({
    connection,
    name: p.options.name ?? 'violet-webhooks',
    prefix: p.options.prefix,
  });
  try {
    if (action === 'stats') {
      const counts = await queue.counts();
      if (p.flags.has('json')) return (out(JSON.stringify(counts, null, 2)), exit(0));
      for (const line of table(
        ['STATE', 'JOBS'],
        Object.entries(counts).map(([k, v]) => [k, String(v)]),
      ))
        out(line);
      return exit(0);
    }
    if (action === 'failed') {
      const rows = (await queue.failed()).map((job) => ({
        id: job.id,
        type: job.type,
        attempts: job.attempts,
        failedAt: job.failedAt?.toISOString() ?? null,
        reason: job.reason,
      }));
      if (p.flags.has('json')) return (out(JSON.stringify(rows, null, 2)), exit(0));
      const cells = rows.map((r) => [
        r.id,
        r.type,
        String(r.attempts),
        r.failedAt ?? '-',
        r.reason,
      ]);
      for (const line of table(['JOB', 'TYPE', 'ATTEMPTS', 'FAILED AT', 'REASON'], cells))
        out(line);
      out(`${rows.length} failed jobs.`);
      return exit(0);
    }
    const retried = await queue.retryFailed(eventId === undefined ? { all: true } : { eventId });
    if (eventId !== undefined && retried === 0) {
      out(`No failed job for event ${eventId}.`);
      return exit(1);
    }
    out(`${retried} failed ${retried === 1 ? 'job' : 'jobs'} queued again.`);
    return exit(0);
  } finally {
    await queue.close();
  }
}
