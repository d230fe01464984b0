import { eventIdOfJob, fromJobData, jobIdOf, toJobData } from '../../lib/bullmq/job-data';

describe('jobIdOf and eventIdOfJob', () => {
  test.each(['42', '5000000123', 'evt:795', 'a/b c', 'ünïcode'])(
    '%j: BullMQ takes the id (never all digits, no colon), and it reads back',
    (eventId) => {
      const id = jobIdOf(eventId);
      expect(id).toMatch(/^violet-/);
      expect(id).not.toMatch(/^\d+$/);
      expect(id).not.toContain(':');
      expect(eventIdOfJob(id)).toBe(eventId);
    },
  );

  test('a job id this package did not make reads as no event', () => {
    expect(eventIdOfJob('42')).toBeUndefined();
    expect(eventIdOfJob('other-42')).toBeUndefined();
    expect(eventIdOfJob('violet-%E0%A4%A')).toBeUndefined();
  });
});

describe("a job's data", () => {
  const delivery = {
    eventId: '42',
    type: 'ORDER_SHIPPED',
    body: '{"id":1,"bags":[]}',
    headers: { 'x-violet-topic': 'ORDER_SHIPPED', 'x-violet-event-id': '42' },
    receivedAt: new Date('2026-01-02T03:04:05.678Z'),
    secretIndex: 1,
  };

  test('round-trips through JSON, as Redis stores it, with no signature', () => {
    const data = JSON.parse(JSON.stringify(toJobData(delivery)));
    expect(fromJobData(data)).toEqual({
      v: 1,
      body: delivery.body,
      headers: delivery.headers,
      receivedAt: '2026-01-02T03:04:05.678Z',
      secretIndex: 1,
    });
    expect(JSON.stringify(data)).not.toContain('hmac');
  });

  test('the stale flag travels when it is known, within version 1', () => {
    expect(
      fromJobData(JSON.parse(JSON.stringify(toJobData({ ...delivery, stale: true })))),
    ).toMatchObject({ v: 1, stale: true });
    expect(fromJobData(toJobData({ ...delivery, stale: false }))?.stale).toBe(false);
    expect('stale' in toJobData({ ...delivery, stale: undefined })).toBe(false);
  });

  test('the trace carrier travels when there is one', () => {
    const trace = { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' };
    expect(fromJobData(toJobData({ ...delivery, trace }))?.trace).toEqual(trace);
  });

  test.each([
    ['nothing', undefined],
    ['null', null],
    ['another version', { ...toJobData(delivery), v: 2 }],
    ['no body', { ...toJobData(delivery), body: undefined }],
    ['headers that are not an object', { ...toJobData(delivery), headers: 'x' }],
    ['no secret index', { ...toJobData(delivery), secretIndex: '1' }],
    ['a stale flag that is not a boolean', { ...toJobData(delivery), stale: 'yes' }],
  ])('%s is refused', (_label, data) => {
    expect(fromJobData(data)).toBeUndefined();
  });
});
