import { MemoryDedupeStore, type MemoryDedupeStoreOptions } from '../../lib';
import { claimOptions } from '../helpers/claim-options';

const lease = { leaseMs: 1000 };

afterEach(() => jest.useRealTimers());

describe('MemoryDedupeStore', () => {
  test('claim, then in-flight, then done after complete', async () => {
    const store = new MemoryDedupeStore();
    const first = await store.claim('1', lease);
    expect(first.state).toBe('new');
    expect((await store.claim('1', lease)).state).toBe('in-flight');
    if (first.state !== 'new') throw new Error('unreachable');
    await store.complete('1', first.token);
    expect((await store.claim('1', lease)).state).toBe('done');
  });

  test('release lets the next claim process it', async () => {
    const store = new MemoryDedupeStore();
    const first = await store.claim('1', lease);
    if (first.state !== 'new') throw new Error('unreachable');
    await store.release('1', first.token);
    expect((await store.claim('1', lease)).state).toBe('new');
  });

  test('only the holder can complete or release', async () => {
    const store = new MemoryDedupeStore();
    await store.claim('1', lease);
    await store.release('1', 'not-the-token');
    await store.complete('1', 'not-the-token');
    expect((await store.claim('1', lease)).state).toBe('in-flight');
  });

  test('a claim whose holder never finishes expires after the lease', async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const store = new MemoryDedupeStore();
    const stale = await store.claim('1', lease);
    jest.setSystemTime(1_000_000 + 999);
    expect((await store.claim('1', lease)).state).toBe('in-flight');
    jest.setSystemTime(1_000_000 + 1001);
    const next = await store.claim('1', lease);
    expect(next.state).toBe('new');
    if (stale.state !== 'new' || next.state !== 'new') throw new Error('unreachable');
    await store.complete('1', stale.token);
    expect((await store.claim('1', lease)).state).toBe('in-flight');
  });

  test("the store's own leaseMs wins over the middleware's", async () => {
    jest.useFakeTimers({ now: 0 });
    const store = new MemoryDedupeStore({ leaseMs: 10 });
    await store.claim('1', { leaseMs: 60_000 });
    jest.setSystemTime(11);
    expect((await store.claim('1', lease)).state).toBe('new');
  });

  test('processed ids are forgotten after ttlMs', async () => {
    jest.useFakeTimers({ now: 0 });
    const store = new MemoryDedupeStore({ ttlMs: 5000 });
    const claim = await store.claim('1', lease);
    if (claim.state !== 'new') throw new Error('unreachable');
    await store.complete('1', claim.token);
    jest.setSystemTime(4999);
    expect((await store.claim('1', lease)).state).toBe('done');
    jest.setSystemTime(5001);
    expect((await store.claim('1', lease)).state).toBe('new');
  });

  test('holds at most `max` ids, forgetting the oldest first', async () => {
    const store = new MemoryDedupeStore({ max: 3 });
    for (const id of ['a', 'b', 'c', 'd']) {
      const claim = await store.claim(id, lease);
      if (claim.state === 'new') await store.complete(id, claim.token);
    }
    expect(store.size).toBe(3);
    expect((await store.claim('a', lease)).state).toBe('new');
    expect((await store.claim('d', lease)).state).toBe('done');
  });

  test('an id released and claimed again is not forgotten with its old slot', async () => {
    const store = new MemoryDedupeStore({ max: 2 });
    const first = await store.claim('a', lease);
    if (first.state !== 'new') throw new Error('unreachable');
    await store.release('a', first.token);
    expect((await store.claim('a', lease)).state).toBe('new');
    expect((await store.claim('b', lease)).state).toBe('new');
    // The ring now drops a's first slot; its second claim must survive that.
    expect((await store.claim('a', lease)).state).toBe('in-flight');
    expect((await store.claim('c', lease)).state).toBe('new');
    // Over max: the oldest live id, a, goes.
    expect(store.size).toBe(2);
    expect((await store.claim('b', lease)).state).toBe('in-flight');
  });

  test.each<[MemoryDedupeStoreOptions, string]>([
    [{ max: 0 }, 'max'],
    [{ ttlMs: -1 }, 'ttlMs'],
    [{ leaseMs: 1.5 }, 'leaseMs'],
  ])('rejects bad options %p, naming the option', (options, name) => {
    expect(() => new MemoryDedupeStore(options)).toThrow(TypeError);
    expect(() => new MemoryDedupeStore(options)).toThrow(
      `express-violet-webhooks: MemoryDedupeStore option \`${name}\` must be`,
    );
  });
});

test('stays within `max` entries through a million distinct ids', async () => {
  const store = new MemoryDedupeStore({ max: 10_000 });
  for (let i = 0; i < 1_000_000; i++) {
    const id = String(i);
    const claim = await store.claim(id, lease);
    if (claim.state === 'new') await store.complete(id, claim.token);
    if (store.size > 10_000) throw new Error(`size ${store.size} over max at ${i}`);
  }
  expect(store.size).toBe(10_000);
});

describe('MemoryDedupeStore versions', () => {
  const event = (key: string, at: number) => claimOptions({ version: { key, at } });

  test.each(['promises', 'synchronous'] as const)(
    'an older version claimed after a newer one completed is stale; equal is not (%s)',
    async (path) => {
      const store = new MemoryDedupeStore();
      const now = store.synchronous();
      if (now === undefined) throw new Error('no synchronous path');
      const claim = async (id: string, key: string, at: number) =>
        path === 'promises' ? store.claim(id, event(key, at)) : now.claim(id, event(key, at));
      const complete = async (id: string, token: string, key: string, at: number) =>
        path === 'promises'
          ? store.complete(id, token, { version: { key, at } })
          : now.complete(id, token, { version: { key, at } });
      const newer = await claim('1', 'bag:1', 2000);
      expect(newer).toEqual({ state: 'new', token: expect.any(String), stale: false });
      if (newer.state !== 'new') throw new Error('unreachable');
      // Not processed yet: a claim in flight does not count.
      expect(await claim('2', 'bag:1', 1000)).toMatchObject({ stale: false });
      await complete('1', newer.token, 'bag:1', 2000);
      expect(await claim('3', 'bag:1', 1000)).toMatchObject({ stale: true });
      expect(await claim('4', 'bag:1', 2000)).toMatchObject({ stale: false });
      expect(await claim('5', 'bag:2', 1000)).toMatchObject({ stale: false });
      // An older completion does not lower the newest.
      const older = await claim('6', 'bag:1', 500);
      if (older.state !== 'new') throw new Error('unreachable');
      await complete('6', older.token, 'bag:1', 500);
      expect(await claim('7', 'bag:1', 1999)).toMatchObject({ stale: true });
    },
  );

  test('a released claim records nothing; a claim without a version answers no stale', async () => {
    const store = new MemoryDedupeStore();
    const newer = await store.claim('1', event('k', 2000));
    if (newer.state !== 'new') throw new Error('unreachable');
    await store.release('1', newer.token);
    expect(await store.claim('2', event('k', 1000))).toMatchObject({ stale: false });
    expect(await store.claim('3', lease)).toEqual({ state: 'new', token: expect.any(String) });
  });

  test('holds at most `max` versions, forgetting the oldest first', async () => {
    const store = new MemoryDedupeStore({ max: 2 });
    for (const key of ['a', 'b', 'c']) {
      const claim = await store.claim(key, event(key, 2000));
      if (claim.state !== 'new') throw new Error('unreachable');
      await store.complete(key, claim.token, { version: { key, at: 2000 } });
    }
    expect(await store.claim('a2', event('a', 1000))).toMatchObject({ stale: false });
    expect(await store.claim('c2', event('c', 1000))).toMatchObject({ stale: true });
  });
});

describe('MemoryDedupeStore content keys (replayGuard)', () => {
  const content = (replayKey: string) => claimOptions({ type: 'ORDER_UPDATED', replayKey });

  test.each(['promises', 'synchronous'] as const)(
    'a content key held by another event id: in flight, then done, naming it (%s)',
    async (path) => {
      const store = new MemoryDedupeStore();
      const now = store.synchronous();
      if (now === undefined) throw new Error('no synchronous path');
      const claim = async (id: string, key: string) =>
        path === 'promises' ? store.claim(id, content(key)) : now.claim(id, content(key));
      const first = await claim('a', 'K');
      if (first.state !== 'new') throw new Error('unreachable');
      expect(await claim('b', 'K')).toEqual({ state: 'in-flight', repeats: 'a' });
      expect(await claim('a', 'K')).toEqual({ state: 'in-flight' });
      expect((await claim('c', 'other')).state).toBe('new');
      if (path === 'promises') await store.complete('a', first.token, { replayKey: 'K' });
      else now.complete('a', first.token);
      expect(await claim('b', 'K')).toEqual({ state: 'done', repeats: 'a' });
      expect(await claim('a', 'K')).toEqual({ state: 'done' });
    },
  );

  test('a release frees the content key; so does the end of a lease, and of ttlMs once done', async () => {
    jest.useFakeTimers({ now: 0 });
    const store = new MemoryDedupeStore({ ttlMs: 5000 });
    const failed = await store.claim('a', content('K'));
    if (failed.state !== 'new') throw new Error('unreachable');
    await store.release('a', failed.token);
    const retried = await store.claim('b', content('K'));
    expect(retried.state).toBe('new');
    // b's holder dies: past its lease, the content is free again.
    jest.setSystemTime(lease.leaseMs + 1);
    const next = await store.claim('c', content('K'));
    if (next.state !== 'new') throw new Error('unreachable');
    await store.complete('c', next.token);
    expect(await store.claim('d', content('K'))).toEqual({ state: 'done', repeats: 'c' });
    jest.setSystemTime(lease.leaseMs + 1 + 5001);
    expect((await store.claim('d', content('K'))).state).toBe('new');
  });

  test('a stale holder of the content key cannot complete or release it', async () => {
    jest.useFakeTimers({ now: 0 });
    const store = new MemoryDedupeStore();
    const old = await store.claim('a', content('K'));
    jest.setSystemTime(lease.leaseMs + 1);
    const taken = await store.claim('b', content('K'));
    if (old.state !== 'new' || taken.state !== 'new') throw new Error('unreachable');
    await store.release('a', old.token);
    expect(await store.claim('c', content('K'))).toEqual({ state: 'in-flight', repeats: 'b' });
    await store.complete('a', old.token);
    expect(await store.claim('c', content('K'))).toEqual({ state: 'in-flight', repeats: 'b' });
  });

  test('each event also holds its content key: `max` counts both', async () => {
    const store = new MemoryDedupeStore({ max: 4 });
    for (const id of ['a', 'b']) {
      const claim = await store.claim(id, content(`K${id}`));
      if (claim.state !== 'new') throw new Error('unreachable');
      await store.complete(id, claim.token);
    }
    expect(store.size).toBe(4);
    const third = await store.claim('c', content('Kc'));
    expect(third.state).toBe('new');
    expect(store.size).toBe(4);
    expect((await store.claim('a', content('Ka'))).state).toBe('new');
  });
});
