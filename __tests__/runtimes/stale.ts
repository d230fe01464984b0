// The scenario's event.stale tests (see scenario.ts): the runtime that serves the receiver reads
// each event's entity and version, Violet's date as that runtime parses it, and its store compares
// them to the millisecond. An older snapshot after a newer one is flagged, dispatched and
// answered 200 all the same; /seen says what each listener saw of the flag.
import { createDelivery, samplePayload, type TestDelivery } from '../../lib/testing';
import { RUNTIME_SECRET, type Seen } from './receiver';

type Modified = Date | string;

let sequence = 0;
/** An entity of the test's own: each server's store is its own, so no other test touches it. */
const entityId = () => 9_000_000 + (sequence += 1);
const eventId = (label: string) => `stale-${label}-${Date.now()}-${(sequence += 1)}`;

/** Snapshots of a merchant of the test's own, each delivered with an event id of its own. */
function merchantSnapshots(): (lastModified: Modified) => TestDelivery {
  const payload = { ...samplePayload('MERCHANT_CONNECTED'), id: entityId() };
  return (lastModified) =>
    createDelivery({
      type: 'MERCHANT_CONNECTED',
      secret: RUNTIME_SECRET,
      payload,
      lastModified,
      eventId: eventId('merchant'),
    });
}

/** ORDER_UPDATED snapshots of a bag of the test's own: the event's entity is that bag. */
function bagSnapshots(): (lastModified: Modified) => TestDelivery {
  const order = samplePayload('ORDER_UPDATED');
  const bagId = entityId();
  const bags = order.bags.map((bag, i) => (i === 0 ? { ...bag, id: bagId } : bag));
  const payload = { ...order, id: entityId(), bags };
  return (lastModified) =>
    createDelivery({
      type: 'ORDER_UPDATED',
      secret: RUNTIME_SECRET,
      payload,
      bagId,
      lastModified,
      eventId: eventId('bag'),
    });
}

export function staleScenario(origin: () => string): void {
  /** Posts `d`: the answer, and `event.stale` as the listener saw it. */
  const send = async (d: TestDelivery) => {
    const res = await fetch(`${origin()}/webhooks/violet`, {
      method: 'POST',
      headers: d.headers,
      body: d.body,
    });
    const body: unknown = await res.json();
    const seen = (await (await fetch(`${origin()}/seen`)).json()) as Seen[];
    const listener = seen.find((s) => s.id === d.headers['x-violet-event-id']);
    return { status: res.status, body, stale: listener ? listener.stale : 'no listener ran' };
  };
  const answered = (stale: boolean) => ({ status: 200, body: { received: true }, stale });

  describe('event.stale', () => {
    test('an older snapshot after a newer one: stale, and still dispatched and answered 200', async () => {
      const snapshot = bagSnapshots();
      expect(await send(snapshot('2025-04-08T16:21:52+0000'))).toEqual(answered(false));
      expect(await send(snapshot('2025-04-08T16:20:00+0000'))).toEqual(answered(true));
      expect(await send(snapshot('2025-04-08T16:30:00+0000'))).toEqual(answered(false));
    });

    test('two snapshots of the same second: neither is stale', async () => {
      const snapshot = merchantSnapshots();
      expect(await send(snapshot('2025-04-08T16:21:52+0000'))).toEqual(answered(false));
      expect(await send(snapshot('2025-04-08T16:21:52+0000'))).toEqual(answered(false));
    });

    test('+0000, Z, other offsets and a Date: compared as the instants they name', async () => {
      const snapshot = merchantSnapshots();
      const stale = async (lastModified: Modified) => (await send(snapshot(lastModified))).stale;
      // createDelivery writes a Date as Violet does: 2025-04-08T16:21:52+0000.
      expect(await stale(new Date('2025-04-08T16:21:52Z'))).toBe(false);
      expect(await stale('2025-04-08T16:21:51Z')).toBe(true);
      expect(await stale('2025-04-08T16:21:52Z')).toBe(false);
      // 16:21:51 and 16:21:52 UTC: read without their offsets, both would be newer.
      expect(await stale('2025-04-08T18:21:51+0200')).toBe(true);
      expect(await stale('2025-04-08T12:21:52-04:00')).toBe(false);
      // No offset: UTC.
      expect(await stale('2025-04-08T16:21:51')).toBe(true);
    });

    test('fractions of a second: compared to the millisecond, digits past it dropped', async () => {
      const snapshot = merchantSnapshots();
      const stale = async (lastModified: Modified) => (await send(snapshot(lastModified))).stale;
      expect(await stale('2025-04-08T16:21:52.500+0000')).toBe(false);
      // The whole second is 500 ms older than the snapshot already processed.
      expect(await stale('2025-04-08T16:21:52+0000')).toBe(true);
      expect(await stale('2025-04-08T16:21:52.5Z')).toBe(false);
      expect(await stale('2025-04-08T16:21:52.4999+0000')).toBe(true);
      expect(await stale('2025-04-08T16:21:52.500999Z')).toBe(false);
      expect(await stale('2025-04-08T16:21:53+0000')).toBe(false);
    });
  });
}
