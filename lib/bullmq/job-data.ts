import type { QueuedDelivery } from '../receive/delivery-queue';

/** The job's data, version 1: what the worker needs to rebuild the event, no signature. */
export interface VioletJobData {
  readonly v: 1;
  /** The signed body, exactly as received. */
  readonly body: string;
  /** The `x-violet-*` headers, without the signature. */
  readonly headers: Readonly<Record<string, string>>;
  /** ISO 8601. */
  readonly receivedAt: string;
  readonly secretIndex: number;
  /**
   * `event.stale` as the middleware's claim found it; absent when unknown. Optional within
   * version 1: a worker that does not know it ignores it, and a job without it is unknown.
   */
  readonly stale?: boolean | undefined;
  /** With telemetry: the producer span's context, as the app's propagators wrote it. */
  readonly trace?: Readonly<Record<string, string>> | undefined;
}

/**
 * The job id of an event: BullMQ refuses all-digit ids and ids with `:`, and never adds a second
 * job with an id it has, so one event id gives at most one job.
 */
export function jobIdOf(eventId: string): string {
  return `violet-${encodeURIComponent(eventId)}`;
}

/** The event id a job id stands for; undefined for a job id this package did not make. */
export function eventIdOfJob(jobId: string): string | undefined {
  if (!jobId.startsWith('violet-')) return undefined;
  try {
    return decodeURIComponent(jobId.slice('violet-'.length));
  } catch {
    return undefined;
  }
}

export function toJobData(delivery: QueuedDelivery): VioletJobData {
  return {
    v: 1,
    body: delivery.body,
    headers: delivery.headers,
    receivedAt: delivery.receivedAt.toISOString(),
    secretIndex: delivery.secretIndex,
    ...(delivery.stale === undefined ? {} : { stale: delivery.stale }),
    ...(delivery.trace === undefined ? {} : { trace: delivery.trace }),
  };
}

/** The job's data, checked: a job written by another version or by hand fails at once. */
export function fromJobData(data: unknown): VioletJobData | undefined {
  const d = data as Partial<VioletJobData> | null;
  if (
    d === null ||
    typeof d !== 'object' ||
    d.v !== 1 ||
    typeof d.body !== 'string' ||
    typeof d.headers !== 'object' ||
    d.headers === null ||
    typeof d.receivedAt !== 'string' ||
    typeof d.secretIndex !== 'number' ||
    (d.stale !== undefined && typeof d.stale !== 'boolean')
  ) {
    return undefined;
  }
  return d as VioletJobData;
}
