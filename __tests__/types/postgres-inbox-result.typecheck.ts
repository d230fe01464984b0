// Compiled, never run: what `inbox.once()` resolves to narrows on `ran` and on `reason`, as a
// strict TypeScript consumer writes it; each @ts-expect-error line must fail to compile.
import pg from 'pg';
import { violetWebhooks } from 'express-violet-webhooks';
import {
  PostgresInbox,
  type InboxResult,
  type InboxSkipReason,
} from 'express-violet-webhooks/postgres';

const inbox = new PostgresInbox<pg.PoolClient>(new pg.Pool());
const violet = violetWebhooks({ secret: 'inbox-result' });

violet.on('ORDER_UPDATED', async (event) => {
  const r = await inbox.once(event, async (db) => (await db.query('SELECT 1')).rowCount, {
    newest: true,
    scope: 'bags',
  });
  if (r.ran) {
    const value: number | null = r.value;
    const none: undefined = r.reason;
    void [value, none];
  } else {
    const reason: 'duplicate' | 'stale' = r.reason;
    // @ts-expect-error fn did not run: there is no value
    void r.value;
    void reason;
  }
  // Narrowing on `reason` alone.
  if (r.reason === 'stale') {
    const ran: false = r.ran;
    void ran;
  }
  if (r.reason === undefined) {
    const value: number | null = r.value;
    void value;
  }
  switch (r.reason) {
    case 'duplicate':
    case 'stale':
      break;
    case undefined: {
      const ran: true = r.ran;
      void ran;
      break;
    }
    default: {
      const never: never = r;
      void never;
    }
  }
  // @ts-expect-error no value before narrowing
  void r.value;
});

const result: InboxResult<string> = { ran: false, reason: 'stale' };
// @ts-expect-error a reason of its own is no reason
const wrong: InboxSkipReason = 'old';
// @ts-expect-error a result that did not run has a reason
const bare: InboxResult<string> = { ran: false };
// @ts-expect-error newest is a boolean
void inbox.once({ id: '1', type: 'ORDER_SHIPPED' }, () => 1, { newest: 'yes' });
void [result, wrong, bare];
