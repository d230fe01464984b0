import { createDelivery, type CreateDeliveryOptions } from '../../lib/testing';

export const SECRET = 'test-app-secret-3f9a';

/** A signed delivery of the sample payload, with the test secret unless told otherwise. */
export function delivery(type: string, options: Partial<CreateDeliveryOptions> = {}) {
  return createDelivery({ type, secret: SECRET, ...options });
}

/** A listener that records the events it receives. */
export function recorder<E = unknown>() {
  const calls: E[] = [];
  const listener = (event: E): void => {
    calls.push(event);
  };
  return { calls, listener };
}
