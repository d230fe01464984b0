import { EventEmitter } from 'node:events';

const ADDING = new Set(['on', 'addListener', 'prependListener', 'once', 'prependOnceListener']);

/** The EventEmitter methods that add or remove listeners. */
const CHANGING = [
  'on',
  'addListener',
  'prependListener',
  'once',
  'prependOnceListener',
  'off',
  'removeListener',
  'removeAllListeners',
] as const;

/**
 * Like Express's own `app`: EventEmitter's methods mixed into the middleware function, with the
 * listener state on the function itself. So a listener's `this` is the middleware, and
 * `this.on(...)` inside a listener registers where deliveries see it. The methods that change
 * listeners also tell the pipeline, whose listener lists are copied once per change; `check`
 * may refuse a listener before it is added.
 */
export function mixInEmitter(
  target: object,
  changed: () => void,
  check?: (name: unknown) => void,
): void {
  const proto = EventEmitter.prototype as unknown as Record<string | symbol, unknown>;
  for (const key of Reflect.ownKeys(proto)) {
    if (key === 'constructor') continue;
    Object.defineProperty(target, key, {
      ...Object.getOwnPropertyDescriptor(proto, key),
      enumerable: false,
    });
  }
  for (const name of CHANGING) {
    const method = proto[name] as (...args: unknown[]) => unknown;
    Object.defineProperty(target, name, {
      configurable: true,
      writable: true,
      value(this: unknown, ...args: unknown[]) {
        if (check !== undefined && ADDING.has(name)) check(args[0]);
        const result = method.apply(this, args);
        changed();
        return result;
      },
    });
  }
  (EventEmitter as unknown as { init: (this: object) => void }).init.call(target);
}
