import { VioletAdmin, type WebhookDelivery } from '../admin';
import { assertEventTypes, assertHttpsUrl } from '../admin/check-input';
import { EVENT_TYPES_BY_FAMILY, canonicalEventType, familyOf } from '../event-types';
import { SHOW_HELP, exit, type Command, type CommandResult, type Out } from './command';
import { expectPositionals, parse, since } from './parse-args';
import { duration, table } from './table';
import { UsageError, type CommandName } from './usage';

const CREDENTIALS = ['VIOLET_APP_ID', 'VIOLET_APP_SECRET', 'VIOLET_USERNAME', 'VIOLET_PASSWORD'];

/** A client from the environment; names what is missing, never a value. */
function adminFromEnv(live: boolean, command: CommandName): VioletAdmin {
  const env = process.env;
  const missing = CREDENTIALS.filter((name) => (env[name] ?? '') === '');
  if (missing.length > 0) {
    throw new UsageError(`${missing.join(', ')} must be set in the environment`, command);
  }
  return new VioletAdmin({
    appId: env.VIOLET_APP_ID as string,
    appSecret: env.VIOLET_APP_SECRET as string,
    username: env.VIOLET_USERNAME as string,
    password: env.VIOLET_PASSWORD as string,
    environment: live ? 'live' : 'sandbox',
    baseUrl: env.VIOLET_API_URL === '' ? undefined : env.VIOLET_API_URL,
  });
}

/** Checks an argument the way the API would, as a usage error (exit 2) before any call. */
function usage(check: () => void, command: CommandName): void {
  try {
    check();
  } catch (error) {
    if (error instanceof TypeError) {
      throw new UsageError(error.message.replace(/^express-violet-webhooks: /, ''), command);
    }
    throw error;
  }
}

const json = (out: Out, value: unknown): void => out(JSON.stringify(value, null, 2));

async function subscribe(args: readonly string[], out: Out): Promise<CommandResult> {
  const p = parse('subscribe', args, ['events'], ['dry-run', 'json', 'live']);
  if (p.help) return SHOW_HELP;
  const [url] = expectPositionals(p, 1, 'subscribe');
  if (url === undefined) throw new UsageError('the https URL to subscribe is missing', 'subscribe');
  const list = p.options.events ?? 'all';
  const events =
    list === 'all'
      ? 'all'
      : list
          .split(',')
          .map((e) => e.trim())
          .filter(Boolean);
  usage(() => assertHttpsUrl(url), 'subscribe');
  if (events !== 'all') usage(() => assertEventTypes(events), 'subscribe');
  const dryRun = p.flags.has('dry-run');
  const plan = await adminFromEnv(p.flags.has('live'), 'subscribe').subscribe({
    url,
    events,
    dryRun,
  });
  if (p.flags.has('json')) return (json(out, plan), exit(0));
  const verb = dryRun ? ['would create', 'would update'] : ['created', 'updated'];
  for (const c of plan.created) out(`${verb[0]}  ${c.event}`);
  for (const c of plan.updated) {
    out(`${verb[1]}  ${c.event} (webhook ${c.webhookId}, was ${c.from?.status} at ${c.from?.url})`);
  }
  if (plan.created.length + plan.updated.length === 0) {
    out(`Nothing to change: all ${plan.unchanged.length} event types are subscribed to ${url}.`);
  } else {
    out(
      `${plan.created.length} ${dryRun ? 'to create' : 'created'}, ${plan.updated.length} ${dryRun ? 'to update' : 'updated'}, ${plan.unchanged.length} unchanged.`,
    );
  }
  return exit(0);
}

async function subscriptions(args: readonly string[], out: Out): Promise<CommandResult> {
  const p = parse('subscriptions', args, [], ['check', 'json', 'live']);
  if (p.help) return SHOW_HELP;
  expectPositionals(p, 0, 'subscriptions');
  const webhooks = await adminFromEnv(p.flags.has('live'), 'subscriptions').webhooks({
    extended: true,
  });
  const unhealthy = webhooks.filter((w) => w.status !== 'ACTIVE' || (w.temp_disable_ms ?? 0) > 0);
  const code = p.flags.has('check') && unhealthy.length > 0 ? 1 : 0;
  if (p.flags.has('json')) return (json(out, webhooks), exit(code));
  const rows = webhooks.map((w) => [
    w.event,
    w.status,
    w.remote_endpoint,
    w.events_count === undefined || w.events_count === null ? '-' : String(w.events_count),
    typeof w.failure_rate === 'number' ? `${(w.failure_rate * 100).toFixed(1)}%` : '-',
    (w.temp_disable_ms ?? 0) > 0 ? duration(w.temp_disable_ms as number) : '-',
  ]);
  const headers = ['EVENT', 'STATUS', 'ENDPOINT', 'EVENTS 7D', 'FAILED 7D', 'PAUSED FOR'];
  for (const line of table(headers, rows)) out(line);
  if (webhooks.length === 0) out('No subscriptions.');
  else if (unhealthy.length === 0) out(`All ${webhooks.length} subscriptions are healthy.`);
  else out(`${unhealthy.length} of ${webhooks.length} subscriptions are paused or not ACTIVE.`);
  return exit(code);
}

function deliveryRows(list: readonly WebhookDelivery[]): string[] {
  const headers = ['CREATED', 'EVENT ID', 'WEBHOOK', 'TYPE', 'STATUS', 'ATTEMPTS', 'CODE'];
  const rows = list.map((d) => [
    d.date_created,
    String(d.id),
    String(d.webhook_id),
    d.event_type,
    d.status,
    String(d.attempts ?? '-'),
    String(d.status_code ?? '-'),
  ]);
  return table(headers, rows);
}

async function deliveries(args: readonly string[], out: Out): Promise<CommandResult> {
  const p = parse('deliveries', args, ['status', 'since', 'type', 'webhook-id'], ['json', 'live']);
  if (p.help) return SHOW_HELP;
  expectPositionals(p, 0, 'deliveries');
  const webhookId = p.options['webhook-id'];
  if (webhookId !== undefined && !/^\d+$/.test(webhookId)) {
    throw new UsageError('--webhook-id must be a whole number', 'deliveries');
  }
  if (p.options.type !== undefined)
    usage(() => assertEventTypes([p.options.type as string]), 'deliveries');
  const query = {
    since: since(p.options.since ?? '24h', 'deliveries'),
    status: p.options.status?.toUpperCase(),
    type: p.options.type,
    webhookId: webhookId === undefined ? undefined : Number(webhookId),
  };
  const list: WebhookDelivery[] = [];
  for await (const d of adminFromEnv(p.flags.has('live'), 'deliveries').deliveries(query))
    list.push(d);
  if (p.flags.has('json')) return (json(out, list), exit(0));
  for (const line of deliveryRows(list)) out(line);
  out(`${list.length} deliveries.`);
  return exit(0);
}

async function resend(args: readonly string[], out: Out): Promise<CommandResult> {
  const p = parse('resend', args, [], ['json', 'live']);
  if (p.help) return SHOW_HELP;
  const [webhookId, eventId] = expectPositionals(p, 2, 'resend');
  if (webhookId === undefined || eventId === undefined || !/^\d+$/.test(webhookId)) {
    throw new UsageError('give the webhook id (a whole number) and the event id', 'resend');
  }
  const copy = await adminFromEnv(p.flags.has('live'), 'resend').resend(Number(webhookId), eventId);
  if (p.flags.has('json')) return (json(out, copy), exit(0));
  out(
    `Resent event ${eventId} of webhook ${webhookId}: the copy is event ${copy.id} (${copy.status}).`,
  );
  return exit(0);
}

async function recover(args: readonly string[], out: Out): Promise<CommandResult> {
  const p = parse('recover', args, ['since'], ['dry-run', 'json', 'live']);
  if (p.help) return SHOW_HELP;
  expectPositionals(p, 0, 'recover');
  if (p.options.since === undefined)
    throw new UsageError('--since is required, e.g. --since 3d', 'recover');
  const from = since(p.options.since, 'recover');
  const dryRun = p.flags.has('dry-run');
  const result = await adminFromEnv(p.flags.has('live'), 'recover').recover({
    since: from,
    dryRun,
  });
  const code = result.errors.length > 0 ? 1 : 0;
  if (p.flags.has('json')) return (json(out, result), exit(code));
  const what = (d: WebhookDelivery) => `${d.event_type} event ${d.id} (webhook ${d.webhook_id})`;
  if (dryRun) for (const d of result.planned) out(`would resend  ${what(d)}`);
  for (const { original, copy } of result.resent)
    out(`resent  ${what(original)} as event ${copy.id}`);
  for (const { delivery, error } of result.errors)
    out(`failed  ${what(delivery)}: ${error.message}`);
  const later = result.skipped.filter((s) => s.reason === 'succeeded-later').length;
  out(
    `${dryRun ? `${result.planned.length} to resend` : `${result.resent.length} resent`}, ${later} left out (a later delivery succeeded), ${result.errors.length} failed.`,
  );
  return exit(code);
}

async function remoteTypes(args: readonly string[], out: Out): Promise<CommandResult> {
  const p = parse('types', args, [], ['remote', 'json', 'live']);
  if (p.help) return SHOW_HELP;
  const theirs = await adminFromEnv(p.flags.has('live'), 'types').eventTypes();
  const canonical = new Set(theirs.map((t) => canonicalEventType(t) ?? t));
  const ours = Object.values(EVENT_TYPES_BY_FAMILY).flat() as string[];
  const rows = [
    ...ours.map((t) => [
      t,
      familyOf(canonicalEventType(t)!),
      canonical.has(t) ? 'both' : 'package only',
    ]),
    ...theirs
      .filter((t) => canonicalEventType(t) === undefined)
      .map((t) => [t, '-', 'Violet only']),
  ];
  if (p.flags.has('json')) {
    json(
      out,
      rows.map(([type, family, where]) => ({ type, family, where })),
    );
    return exit(0);
  }
  for (const line of table(['TYPE', 'FAMILY', 'KNOWN TO'], rows)) out(line);
  return exit(0);
}

/** The commands that call Violet's API. */
export const ADMIN_COMMANDS = {
  subscribe,
  subscriptions,
  deliveries,
  resend,
  recover,
  types: remoteTypes,
} as const satisfies Record<string, Command>;
