import { compareRecords } from '../../lib/admin/log-order';
import { selectForRecovery } from '../../lib/admin/recover';
import type { WebhookDelivery } from '../../lib/admin/types';

const record = (
  id: string | number,
  date: string,
  status = 'FAILED',
  entity: number | null = 1,
): WebhookDelivery => ({
  id,
  webhook_id: 7,
  entity_id: entity,
  event_type: 'ORDER_SHIPPED',
  status,
  date_created: date,
});

describe('compareRecords', () => {
  test('orders by date first, whatever the ids', () => {
    const older = record('900', '2021-06-10T20:17:45+0000');
    const newer = record('100', '2021-06-10T20:17:46+0000');
    expect([newer, older].sort(compareRecords)).toEqual([older, newer]);
  });

  test('in one second, by record id as a number, at any length', () => {
    const at = '2021-06-10T20:17:46+0000';
    const ids = ['10000000000000000001', '99', '100', 7, '0101'];
    const sorted = ids.map((id) => record(id, at)).sort(compareRecords);
    expect(sorted.map((d) => d.id)).toEqual([7, '99', '100', '0101', '10000000000000000001']);
  });

  test('a date it cannot read falls back to the id', () => {
    expect(compareRecords(record('2', 'yesterday'), record('1', 'today'))).toBeGreaterThan(0);
  });
});

describe('selectForRecovery', () => {
  const none = () => false;

  test('a success in the same second supersedes a failure with a smaller id, not a larger one', () => {
    const at = '2021-06-10T20:17:46+0000';
    const { planned, skipped } = selectForRecovery(
      [
        record('5', at, 'FAILED', 1),
        record('4', at, 'SUCCEEDED', 1),
        record('3', at, 'FAILED', 1),
        record('2', at, 'SUCCEEDED', 2),
      ],
      none,
    );
    expect(planned.map((d) => d.id)).toEqual(['5']);
    expect(skipped).toEqual([
      { delivery: record('3', at, 'FAILED', 1), reason: 'succeeded-later' },
    ]);
  });

  test('only a success of the same webhook, entity and event type supersedes', () => {
    const failed = record('1', '2021-06-10T20:17:46+0000', 'FAILED', 1);
    const otherEntity = record('2', '2021-06-10T20:17:47+0000', 'SUCCEEDED', 2);
    const otherType = {
      ...record('3', '2021-06-10T20:17:47+0000', 'SUCCEEDED', 1),
      event_type: 'ORDER_UPDATED',
    };
    const otherWebhook = {
      ...record('4', '2021-06-10T20:17:47+0000', 'SUCCEEDED', 1),
      webhook_id: 8,
    };
    const { planned } = selectForRecovery([otherWebhook, otherType, otherEntity, failed], none);
    expect(planned).toEqual([failed]);
  });

  test('skip() is asked only about failures no success superseded, oldest first', () => {
    const asked: unknown[] = [];
    const { planned, skipped } = selectForRecovery(
      [
        record('3', '2021-06-10T20:17:48+0000', 'FAILED', 3),
        record('2', '2021-06-10T20:17:47+0000', 'FAILED', 2),
        record('1', '2021-06-10T20:17:46+0000', 'CANCELLED', 1),
      ],
      (d) => {
        asked.push(d.id);
        return d.id === '2';
      },
    );
    expect(asked).toEqual(['2', '3']);
    expect(planned.map((d) => d.id)).toEqual(['3']);
    expect(skipped.map((s) => [s.delivery.id, s.reason])).toEqual([['2', 'skip']]);
  });
});
