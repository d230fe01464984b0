import type { VioletWebhookError } from './errors';
import type { VioletEventType } from './event-types';
import type { VioletEvent, VioletEventOf } from './events';
import {
  createMiddleware,
  type DeliveryRunner,
  type MiddlewareNext,
  type MiddlewareRequest,
  type MiddlewareResponse,
} from './express/middleware';
import { createFetchHandler, type FetchHandler } from './fetch/fetch-handler';
import { createReceive, type ReceiveInput } from './http/receive';
import { mixInEmitter } from './mix-in-emitter';
import { resolveOptions, type VioletWebhooksOptions } from './options';
import type { ListenerRegistry } from './receive/dispatch';
import { Pipeline } from './receive/pipeline';
import type { ReceiveResult } from './receive/result';

/**
 * The listener type of every name the middleware emits.
 *
 * @example
 * const onShipped: VioletListeners['ORDER_SHIPPED'] = (event) => ship(event.bag);
 */
export type VioletListeners = {
  [K in VioletEventType]: (event: VioletEventOf<K>) => unknown;
} & {
  /** Every accepted event, known or not. */
  '*': (event: VioletEvent) => unknown;
  /** Rejected deliveries and failed listeners. */
  error: (error: VioletWebhookError) => unknown;
};

/**
 * A name the middleware emits: an event type, `'*'` or `'error'`.
 *
 * @example
 * const names: VioletListenerName[] = ['ORDER_SHIPPED', '*', 'error'];
 */
export type VioletListenerName = keyof VioletListeners;

/**
 * What {@link violetWebhooks} returns: the Express middleware itself, with EventEmitter's methods
 * typed per event, and `receive()` for other frameworks.
 *
 * @example
 * const violet: VioletWebhooks = violetWebhooks({ secret });
 * app.post('/webhooks/violet', violet);
 */
export interface VioletWebhooks {
  (req: MiddlewareRequest, res: MiddlewareResponse, next: MiddlewareNext): void;
  on<K extends VioletListenerName>(name: K, listener: VioletListeners[K]): this;
  addListener<K extends VioletListenerName>(name: K, listener: VioletListeners[K]): this;
  prependListener<K extends VioletListenerName>(name: K, listener: VioletListeners[K]): this;
  once<K extends VioletListenerName>(name: K, listener: VioletListeners[K]): this;
  prependOnceListener<K extends VioletListenerName>(name: K, listener: VioletListeners[K]): this;
  off<K extends VioletListenerName>(name: K, listener: VioletListeners[K]): this;
  removeListener<K extends VioletListenerName>(name: K, listener: VioletListeners[K]): this;
  removeAllListeners(name?: VioletListenerName): this;
  listeners<K extends VioletListenerName>(name: K): VioletListeners[K][];
  rawListeners<K extends VioletListenerName>(name: K): VioletListeners[K][];
  listenerCount(name: VioletListenerName): number;
  eventNames(): VioletListenerName[];
  emit<K extends VioletListenerName>(name: K, ...args: Parameters<VioletListeners[K]>): boolean;
  setMaxListeners(n: number): this;
  getMaxListeners(): number;
  /**
   * The same pipeline without Express, for node:http, serverless functions or other frameworks.
   *
   * @example
   * const { status, body } = await violet.receive({ headers: req.headers, body: rawBytes });
   */
  receive(input: ReceiveInput): Promise<ReceiveResult>;
  /**
   * The same pipeline as a Fetch API handler, bound: Next.js route handlers, Hono, Bun, Deno,
   * Cloudflare Workers. A `waitUntil` among the later arguments keeps work after the answer alive.
   *
   * @example
   * export const POST = violet.fetch; // app/webhooks/violet/route.ts
   */
  readonly fetch: FetchHandler;
}

/**
 * Creates the Violet webhook middleware. The result is at once an Express request handler and
 * an EventEmitter: every verified, validated, first-seen event is emitted under its type and
 * under `'*'`; rejections and listener failures under `'error'`.
 *
 * @example
 * const violet = violetWebhooks({ secret: process.env.VIOLET_APP_SECRET! });
 * violet.on('ORDER_SHIPPED', async (event) => notifyShopper(event.order, event.bag));
 * app.post('/webhooks/violet', violet);
 */
export function violetWebhooks(options: VioletWebhooksOptions): VioletWebhooks {
  const resolved = resolveOptions(options);
  // The pipeline reports to the middleware's own listeners, so it is made second; the adapter
  // reaches it only once a request comes.
  const runner: DeliveryRunner = { run: (delivery, onEvent) => pipeline.run(delivery, onEvent) };
  const handler = createMiddleware(runner, resolved.respond) as unknown as VioletWebhooks;
  mixInEmitter(
    handler,
    () => pipeline.listenersChanged(),
    resolved.queue === undefined ? undefined : refuseEventListener,
  );
  const pipeline = new Pipeline(resolved, handler as unknown as ListenerRegistry);
  // The other two adapters, side by side with Express's over the same pipeline.
  handler.receive = createReceive({ run: (delivery) => pipeline.run(delivery) });
  Object.defineProperty(handler, 'fetch', {
    value: createFetchHandler({ run: (delivery) => pipeline.run(delivery) }, resolved.limit),
    enumerable: true,
  });
  return handler;
}

/** With a queue, listeners run in the worker: one added here would never be called. */
function refuseEventListener(name: unknown): void {
  if (name === 'error' || name === 'newListener' || name === 'removeListener') return;
  throw new TypeError(
    `express-violet-webhooks: a ${String(name)} listener on a middleware with \`queue\` would never run, since deliveries go to the queue; add it to the worker: createVioletWorker(...).on(${JSON.stringify(name)}, ...). 'error' listeners stay here.`,
  );
}
