import type { ClaimOptions, ClaimedEvent } from '../../lib';

/** What the pipeline passes to `claim()`, for a store's own tests: a lease and the event's fields. */
export function claimOptions(event: Partial<ClaimedEvent> = {}, leaseMs = 1000): ClaimOptions {
  return {
    leaseMs,
    event: {
      type: 'MERCHANT_CONNECTED',
      sourceEventId: undefined,
      orderId: undefined,
      bagId: undefined,
      entityId: undefined,
      body: '',
      ...event,
    },
  };
}
