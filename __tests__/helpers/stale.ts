import { samplePayload, type TestDelivery } from '../../lib/testing';
import { delivery } from './deliveries';

/** What one instance answered to a delivery, and what its listener saw as `event.stale`. */
export interface StaleAnswer {
  status: number;
  /** `event.stale` as the listener saw it; `'no listener ran'` when none did. */
  stale: boolean | undefined | 'no listener ran';
}

/** Two app instances sharing one store (the same one twice for a store of one process). */
export type SendTo = (instance: 0 | 1, d: TestDelivery) => Promise<StaleAnswer>;

let merchants = 0;

/** A merchant of the test's own, so that tests sharing a store never share an entity. */
export function merchantSnapshots(): (lastModified: string, eventId: string) => TestDelivery {
  const id = 5_000_000 + Math.floor(Math.random() * 1_000_000) * 100 + (merchants++ % 100);
  return (lastModified, eventId) =>
    delivery('MERCHANT_CONNECTED', {
      payload: { ...samplePayload('MERCHANT_CONNECTED'), id },
      lastModified,
      eventId,
    });
}

const NEWER = '2025-04-08T16:21:52+0000';
const OLDER = '2025-04-08T16:20:00+0000';

/**
 * The ordering scenarios every store passes, over two instances. Event ids that start with
 * `fail-` make the instance's listener throw.
 */
export function staleScenarios(send: () => SendTo): void {
  const unique = () => `${Date.now()}${Math.floor(Math.random() * 1e6)}`;

  test('newer, then older on the other instance: the older one is stale, dispatched and answered 200', async () => {
    const snapshot = merchantSnapshots();
    expect(await send()(0, snapshot(NEWER, `new-${unique()}`))).toEqual({
      status: 200,
      stale: false,
    });
    expect(await send()(1, snapshot(OLDER, `old-${unique()}`))).toEqual({
      status: 200,
      stale: true,
    });
    // And a newer one still is not.
    expect(await send()(0, snapshot('2025-04-08T16:30:00Z', `newest-${unique()}`))).toEqual({
      status: 200,
      stale: false,
    });
  });

  test('older, then newer: neither is stale', async () => {
    const snapshot = merchantSnapshots();
    expect((await send()(0, snapshot(OLDER, `old-${unique()}`))).stale).toBe(false);
    expect((await send()(1, snapshot(NEWER, `new-${unique()}`))).stale).toBe(false);
  });

  test('two snapshots of the same second: neither is stale', async () => {
    const snapshot = merchantSnapshots();
    expect((await send()(0, snapshot(NEWER, `a-${unique()}`))).stale).toBe(false);
    expect((await send()(1, snapshot(NEWER, `b-${unique()}`))).stale).toBe(false);
  });

  test('a newer event whose listener failed does not make an older one stale', async () => {
    const snapshot = merchantSnapshots();
    const failed = await send()(0, snapshot(NEWER, `fail-${unique()}`));
    expect(failed.status).toBe(500);
    expect(await send()(1, snapshot(OLDER, `old-${unique()}`))).toEqual({
      status: 200,
      stale: false,
    });
  });
}
