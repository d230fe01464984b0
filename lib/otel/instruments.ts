import type { Attributes, Counter, Histogram, Meter, UpDownCounter } from '@opentelemetry/api';
import { isVioletEventType } from '../event-types';

/** A type as a metric label: a known type, else `_OTHER` (a label set must stay closed). */
export function typeLabel(type: string | undefined): string {
  return type !== undefined && isVioletEventType(type) ? type : '_OTHER';
}

/** The package's metrics, as api.md names them. No id is ever an attribute (cardinality). */
export class Instruments {
  readonly deliveries: Counter;
  readonly duration: Histogram;
  readonly listenerDuration: Histogram;
  readonly active: UpDownCounter;

  constructor(meter: Meter) {
    this.deliveries = meter.createCounter('violet.webhook.deliveries', {
      description: 'Webhook deliveries answered, by event type, outcome and status',
      unit: '{delivery}',
    });
    this.duration = meter.createHistogram('violet.webhook.duration', {
      description: 'Time from a delivery’s first byte read to its answer',
      unit: 's',
    });
    this.listenerDuration = meter.createHistogram('violet.webhook.listener.duration', {
      description: 'Time the listeners of one event took, together',
      unit: 's',
    });
    this.active = meter.createUpDownCounter('violet.webhook.active', {
      description: 'Deliveries being processed now',
      unit: '{delivery}',
    });
  }

  listenerDone(type: string, seconds: number, errorType: string | undefined): void {
    const attributes: Attributes = { 'violet.event.type': typeLabel(type) };
    if (errorType !== undefined) attributes['error.type'] = errorType;
    this.listenerDuration.record(seconds, attributes);
  }
}
