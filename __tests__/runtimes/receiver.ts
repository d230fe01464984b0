// The receiver every runtime serves in the runtime tests: violet.fetch at /webhooks/violet, the
// same after the body was read at /read-first, and what the listeners saw at /seen. It takes the
// package's factory, so that each runtime loads the package its own way (the sources under Node's
// jest, the built package under Bun, Deno and workerd), and, for a runtime test of a store, the
// store its /webhooks/violet uses.
import type { DedupeStore, VioletEvent, violetWebhooks as Factory } from '../../lib';

export const RUNTIME_SECRET = 'runtime-test-secret-7c1d';
export const LIMIT = 512 * 1024;

/** What a listener saw of one event, as /seen lists it. */
export interface Seen {
  type: string;
  id: string;
  bagId: number | null;
  /** The `sku_id` of the line item resolved from x-violet-sku-id. */
  skuId: number | null;
  bags: number;
  /** `event.stale`; null when unknown. */
  stale: boolean | null;
}

function seenOf(event: VioletEvent): Seen {
  const order = event.family === 'order' ? event : undefined;
  return {
    type: event.type === 'unknown' ? event.rawType : event.type,
    id: event.id,
    bagId: order?.bag?.id ?? null,
    skuId: order?.sku?.sku_id ?? null,
    bags: order?.order.bags?.length ?? 0,
    stale: event.stale ?? null,
  };
}

export function receiver(violetWebhooks: typeof Factory, dedupe?: DedupeStore) {
  const violet = violetWebhooks({
    secret: RUNTIME_SECRET,
    limit: LIMIT,
    ...(dedupe === undefined ? {} : { dedupe }),
  });
  const seen: Seen[] = [];
  violet.on('*', (event) => void seen.push(seenOf(event)));
  violet.on('MERCHANT_DISCONNECTED', () => {
    throw new Error('the merchant table is locked');
  });
  violet.on('error', () => undefined);
  // Answers first, and finishes its listener 50 ms after the answer: the runtime must keep that
  // work alive (a Worker's ctx.waitUntil), or it is lost. /finished lists the events it finished.
  const afterAnswer = violetWebhooks({ secret: RUNTIME_SECRET, ack: 'immediate' });
  const finished: string[] = [];
  afterAnswer.on('*', async (event) => {
    await new Promise((resolve) => setTimeout(resolve, 50));
    finished.push(event.id);
  });
  return {
    violet,
    seen,
    async fetch(request: Request, ...rest: unknown[]): Promise<Response> {
      const { pathname } = new URL(request.url);
      if (pathname === '/seen') return Response.json(seen);
      if (pathname === '/finished') return Response.json(finished);
      if (pathname === '/after-answer') return afterAnswer.fetch(request, ...rest);
      // The same without the runtime's context: nothing keeps the work alive.
      if (pathname === '/after-answer-without-context') return afterAnswer.fetch(request);
      if (pathname === '/read-first') {
        await request.text();
        return violet.fetch(request, ...rest);
      }
      return violet.fetch(request, ...rest);
    },
  };
}
