import type { VioletEvent } from '../events';

/**
 * Puts the event on the request as `req.violet`: an own property of that request, writable and
 * configurable as an assigned one, but not enumerable, so that a logger that prints a request's
 * own keys does not print the event (a shopper's address is in an order). Nothing is defined on
 * a prototype: Express's request prototype is shared by every app of the process, and a request
 * keeps its own property when Express swaps its prototype between an app and a sub-app.
 */
export function holdEvent(req: object, event: VioletEvent): void {
  Object.defineProperty(req, 'violet', {
    value: event,
    writable: true,
    configurable: true,
    enumerable: false,
  });
}
