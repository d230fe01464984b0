import type { Attributes, Counter, Histogram, Meter, UpDownCounter } from '@opentelemetry/api';
import { isVioletEventType } from '../event-types';

/** A type as a metric label: a known type, else `_OTHER` (a label set must stay closed). */
export function typeLabel(type: string | undefined): string {
  return type !== undefined && isVioletEventType(type) ? type : '_OTHER';
}

/** Seconds: OpenTelemetry's default boundaries are for milliseconds (HTTP conventions use these). */
const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 30];

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
      description: "Time from a delivery's start to its answer",
      unit: 's',
      advice: { explicitBucketBoundaries: SECONDS },
    });
    this.listenerDuration = meter.createHistogram('violet.webhook.listener.duration', {
      description: 'Time the listeners of one event took, together',
      unit: 's',
      advice: { explicitBucketBoundaries: SECONDS },
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
