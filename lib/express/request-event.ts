import { IncomingMessage } from 'node:http';
import type { VioletEvent } from '../events';

/** Where the accessor keeps the event: the response's `locals`, under a key of its own. */
const EVENT = Symbol('express-violet-webhooks event');
/** The event of a request without `res.locals` (no Express `init` ran). */
const events = new WeakMap<object, VioletEvent | undefined>();
/** Prototypes looked at already: given the accessor, or left as they were. */
const seen = new WeakSet<object>();

interface ExpressRequest {
  res?: { locals?: Record<symbol, unknown> | undefined } | undefined;
}

const accessor: PropertyDescriptor = {
  get(this: ExpressRequest): VioletEvent | undefined {
    const locals = this.res?.locals;
    return locals === undefined ? events.get(this) : (locals[EVENT] as VioletEvent | undefined);
  },
  set(this: ExpressRequest, event: VioletEvent | undefined) {
    const locals = this.res?.locals;
    if (locals === undefined) events.set(this, event);
    else locals[EVENT] = event;
  },
  enumerable: false,
  configurable: true,
};

/**
 * The object to define `violet` on: the prototype that sits on Node's own (`express.request`,
 * shared by every app and sub-app of one Express), or the request's prototype when its chain
 * does not lead to Node's.
 */
function sharedPrototype(proto: object): object {
  let at: object | null = proto;
  while (at !== null) {
    const next: unknown = Object.getPrototypeOf(at);
    if (next === IncomingMessage.prototype) return at;
    at = next as object | null;
  }
  return proto;
}

/**
 * Makes `req.violet` cheap to set on an Express request. Express gives every request its app's
 * prototype (`Object.setPrototypeOf`); after that swap, V8 builds a new hidden class for each
 * property added to the request, about a tenth of the instructions of a whole 4 KB delivery in
 * Express (docs/benchmarks.md). So, as Express itself defines `req.query` and `req.host`,
 * `violet` is an accessor on Express's request prototype, defined once, that keeps the event in
 * `res.locals` under a symbol (`res.locals` is a dictionary, where a new key costs little).
 * Reading, assigning and `'violet' in req` work as for an own property; `Object.keys(req)`
 * does not list it. A plain Node request keeps an own property, which costs nothing there, and
 * so does a prototype that has `violet` already or cannot take it (frozen).
 */
export function prepareRequest(req: object): void {
  const proto: unknown = Object.getPrototypeOf(req);
  if (proto === IncomingMessage.prototype || proto === null || typeof proto !== 'object') return;
  if (seen.has(proto)) return;
  seen.add(proto);
  const target = sharedPrototype(proto);
  if ('violet' in target) return;
  try {
    Object.defineProperty(target, 'violet', accessor);
  } catch {
    // A frozen prototype: the event stays an own property of each request.
  }
}
