import type { Attributes, Histogram, Meter } from '@opentelemetry/api';
import { isVioletEventType } from '../event-types';

/** A type as a metric label: a known type, else `_OTHER` (a label set must stay closed). */
export function typeLabel(type: string | undefined): string {
  return type !== undefined && isVioletEventType(type) ? type : '_OTHER';
}

/** Seconds: OpenTelemetry's default boundaries are for milliseconds (HTTP conventions use these). */
const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 30];

/**
 * The package's metrics, as api.md names them. No id is ever an attribute (cardinality). The
 * two counters are kept here and observed when the SDK collects, rather than recorded through it
 * on every delivery: a delivery then costs a map update instead of two SDK records. One set per
 * meter ({@link instrumentsFor}): an SDK keeps one observation per attribute set, so two sets
 * observing the same names would overwrite each other's counts.
 */
export class Instruments {
  private readonly duration: Histogram;
  private readonly listenerDuration: Histogram;
  private readonly deliveries = new Map<string, { attributes: Attributes; count: number }>();
  private active = 0;

  constructor(meter: Meter) {
    meter
      .createObservableCounter('violet.webhook.deliveries', {
        description: 'Webhook deliveries answered, by event type, outcome and status',
        unit: '{delivery}',
      })
      .addCallback((result) => {
        for (const { attributes, count } of this.deliveries.values())
          result.observe(count, attributes);
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
    meter
      .createObservableUpDownCounter('violet.webhook.active', {
        description: 'Deliveries being processed now',
        unit: '{delivery}',
      })
      .addCallback((result) => result.observe(this.active));
  }

  started(): void {
    this.active += 1;
  }

  /** One delivery answered; `label` is already a label ({@link typeLabel}). */
  answered(label: string, outcome: string, status: number, seconds: number): void {
    this.active -= 1;
    // Most answers are 200 `accepted`: keyed by the label alone, a string whose hash V8 keeps.
    const key = status === 200 && outcome === 'accepted' ? label : `${label} ${outcome} ${status}`;
    let entry = this.deliveries.get(key);
    if (entry === undefined) {
      entry = {
        attributes: {
          'violet.event.type': label,
          'violet.webhook.outcome': outcome,
          'http.response.status_code': status,
        },
        count: 0,
      };
      this.deliveries.set(key, entry);
    }
    entry.count += 1;
    this.duration.record(seconds, entry.attributes);
  }

  listenerDone(type: string, seconds: number, errorType: string | undefined): void {
    const attributes: Attributes = { 'violet.event.type': typeLabel(type) };
    if (errorType !== undefined) attributes['error.type'] = errorType;
    this.listenerDuration.record(seconds, attributes);
  }
}

const byMeter = new WeakMap<Meter, Instruments>();

/**
 * The instruments of a meter, made on first use and shared by every `openTelemetry()` that
 * records into it: the middlewares of two apps and a worker in one process add up their counts,
 * and `violet.webhook.active` counts every delivery in flight.
 */
export function instrumentsFor(meter: Meter): Instruments {
  let instruments = byMeter.get(meter);
  if (instruments === undefined) {
    instruments = new Instruments(meter);
    byMeter.set(meter, instruments);
  }
  return instruments;
}
