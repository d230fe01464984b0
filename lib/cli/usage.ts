const API_ENV = `
Commands that call Violet's API read VIOLET_APP_ID, VIOLET_APP_SECRET, VIOLET_USERNAME and
VIOLET_PASSWORD from the environment; VIOLET_API_URL replaces the base URL. They use the sandbox
unless --live is given. Exit codes: 0 success, 1 an API or check failure, 2 a usage error.`;

/** Help texts of the `violet-webhooks` command, one per subcommand. */
export const HELP = {
  main: `Usage: violet-webhooks <command> [options]

Try a receiver by hand, and manage your app's subscriptions through Violet's API.

Commands:
  send <url>             post a signed delivery and print the answer
  sign                   sign standard input and print the signature
  types                  list the event types this package knows (--remote: beside Violet's)
  subscribe <https-url>  subscribe the URL to every event type, or to --events
  subscriptions          list subscriptions and their health (--check: exit 1 if one is not)
  deliveries             list deliveries of Violet's log
  resend <webhook-id> <event-id>
                         have Violet deliver an event again
  recover --since 3d     resend what Violet gave up on
  queue stats|failed|retry
                         the BullMQ queue of the durable hand-off: counts, failed jobs, replay
  postgres sql|migrate|prune
                         the tables of the Postgres store and inbox: print or apply their SQL,
                         delete old rows
  events                 the Postgres store's ledger: what arrived, what failed and why

Run 'violet-webhooks <command> --help' for a command's options.
The secret may come from VIOLET_APP_SECRET instead of --secret, to keep it out of shell history.
${API_ENV}`,
  send: `Usage: violet-webhooks send <url> --type TYPE [--secret SECRET] [options]

Posts a delivery signed as Violet signs it (a realistic sample body unless --payload is given),
prints the status and body of the answer, and exits 1 when the answer is not 2xx.

Options:
  --type TYPE         event type, e.g. ORDER_SHIPPED (see 'violet-webhooks types')
  --secret SECRET     app secret (default: $VIOLET_APP_SECRET)
  --bag-id N          x-violet-bag-id (default for order events: the first bag of the body)
  --sku-id N          x-violet-sku-id
  --event-id ID       x-violet-event-id (default: a new id; repeat one to send a duplicate)
  --payload FILE      the body, a JSON file sent byte for byte (default: a sample of TYPE)
  -h, --help          this help`,
  sign: `Usage: violet-webhooks sign [--secret SECRET] < body.json

Prints the x-violet-hmac signature of standard input, byte for byte.

Options:
  --secret SECRET     app secret (default: $VIOLET_APP_SECRET)
  -h, --help          this help`,
  types: `Usage: violet-webhooks types [--remote] [--json] [--live]

Lists every event type this package knows, one per line, with its family. With --remote, also
asks Violet for its list and marks the types only one side knows.
${API_ENV}`,
  subscribe: `Usage: violet-webhooks subscribe <https-url> [--events all|TYPE,TYPE] [--dry-run] [--json] [--live]

Makes Violet's subscriptions match: one ACTIVE webhook per event type pointing at the URL.
Creates the missing ones, re-points or re-activates the others, leaves the rest alone; a second
run changes nothing. --events all (the default) is Violet's own list of event types.

Options:
  --events LIST       all, or event types separated by commas
  --dry-run           print the plan, change nothing
  --json              print the plan as JSON only
  --live              the live environment (default: sandbox)
${API_ENV}`,
  subscriptions: `Usage: violet-webhooks subscriptions [--check] [--json] [--live]

Lists the subscriptions: event, status, endpoint, deliveries and failure rate over 7 days, and
the time left in a pause. With --check, exits 1 when any is not ACTIVE or is paused (for cron
and monitors).
${API_ENV}`,
  deliveries: `Usage: violet-webhooks deliveries [--status S] [--since 24h] [--type T] [--webhook-id N] [--json] [--live]

Lists the deliveries of Violet's log (kept 30 days), newest first.

Options:
  --status S          SUCCEEDED, FAILED, IN_PROGRESS, CREATED or CANCELLED
  --since AGE         30m, 24h (the default), 3d, or a date
  --type T            one event type
  --webhook-id N      one subscription
${API_ENV}`,
  resend: `Usage: violet-webhooks resend <webhook-id> <event-id> [--json] [--live]

Has Violet deliver an event again. The copy has a new event id, and the original's in
x-violet-event-id-source, so the middleware processes it as a new event.
${API_ENV}`,
  recover: `Usage: violet-webhooks recover --since AGE [--dry-run] [--json] [--live]

Resends, once each, the deliveries since AGE that Violet gave up on (FAILED), leaving out those
a later delivery of the same webhook, entity and type superseded. Safe to run twice.

Options:
  --since AGE         how far back to look: 30m, 24h, 3d, or a date
  --dry-run           print what would be resent, resend nothing
${API_ENV}`,
  queue: `Usage: violet-webhooks queue stats|failed|retry [--event-id ID | --all] [--redis URL] [--name N] [--prefix P] [--json]

The BullMQ queue that bullmqQueue() fills (needs bullmq and ioredis installed).
  stats               how many jobs are waiting, active, delayed, completed and failed
  failed              the failed jobs, with their attempts and reasons
  retry               runs failed jobs again: one event's (--event-id) or all (--all)

Options:
  --redis URL         Redis (default: $REDIS_URL, else redis://127.0.0.1:6379)
  --name N            the queue's name (default: violet-webhooks)
  --prefix P          BullMQ's key prefix, as given to bullmqQueue()
  --json              JSON only`,
  postgres: `Usage: violet-webhooks postgres sql|migrate|prune [--schema S] [--older-than 30d] [--database-url URL]

The tables of PostgresDedupeStore and PostgresInbox (needs pg installed for migrate and prune).
  sql                 prints their SQL, for your own migration tool
  migrate             creates them in the database, if they are not there yet
  prune               deletes the rows of the ledger and of the inbox older than --older-than
                      (live claims are kept); run it daily, from cron or a scheduler

Options:
  --schema S          the schema that holds them (default: public); a lower-case SQL identifier
  --older-than AGE    prune: 25h at least, e.g. 48h or 90d (default: 30d)
  --database-url URL  the database (default: $DATABASE_URL)`,
  events: `Usage: violet-webhooks events [--state S] [--since 24h] [--type T] [--schema S] [--limit N] [--json] [--database-url URL]

The ledger of PostgresDedupeStore, newest first: every event received, its state, attempts and
last error (needs pg installed).

Options:
  --state S           claimed, done or failed
  --since AGE         30m, 24h (the default), 3d, or a date
  --type T            one event type
  --schema S          the schema of the tables (default: public)
  --limit N           at most N events (default: 100)
  --json              the records as JSON
  --database-url URL  the database (default: $DATABASE_URL)`,
} as const;

/** A command of `violet-webhooks`. */
export type CommandName = keyof typeof HELP;

/** A mistake in how the command was called: exit code 2 and the command's usage. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    readonly command: CommandName,
  ) {
    super(message);
  }
}
