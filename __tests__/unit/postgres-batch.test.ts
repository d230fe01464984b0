import { Batcher, lockOrder } from '../../lib/postgres/batch';

describe('Batcher', () => {
  test('calls made in one turn share one run; the next turn starts another', async () => {
    const runs: number[][] = [];
    const batcher = new Batcher<number, number>(async (items) => {
      runs.push(items);
      return items.map((n) => n * 2);
    });
    const first = await Promise.all([1, 2, 3].map((n) => batcher.add(n)));
    expect(first).toEqual([2, 4, 6]);
    expect(await batcher.add(4)).toBe(8);
    expect(runs).toEqual([[1, 2, 3], [4]]);
  });

  test('at most `max` items a run', async () => {
    const sizes: number[] = [];
    const batcher = new Batcher<number, number>(async (items) => {
      sizes.push(items.length);
      return items;
    }, 4);
    await Promise.all(Array.from({ length: 10 }, (_, i) => batcher.add(i)));
    expect(sizes).toEqual([4, 4, 2]);
  });

  test('a failed run rejects every call of its batch, and only those', async () => {
    let fail = true;
    const batcher = new Batcher<number, number>(async (items) => {
      if (fail) throw new Error('down');
      return items;
    });
    const failed = await Promise.allSettled([batcher.add(1), batcher.add(2)]);
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect(await batcher.add(3)).toBe(3);
  });
});

test('lockOrder sorts by key, keeping the order of equal keys', () => {
  expect(lockOrder(['b', 'a', 'c', 'a'], (s) => s)).toEqual([1, 3, 0, 2]);
});
