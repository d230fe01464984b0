import type { Job } from 'bullmq';
import { eventIdOfJob } from './job-data';

/**
 * A job that failed for good, as `queue.failed()` lists it.
 *
 * @example
 * for (const job of await queue.failed(20)) console.log(job.eventId, job.reason);
 */
export interface FailedJob {
  /** `violet-<event id>`. */
  readonly id: string;
  /** The event id, or undefined for a job this package did not add. */
  readonly eventId: string | undefined;
  /** The event type. */
  readonly type: string;
  readonly attempts: number;
  readonly failedAt: Date | undefined;
  /** The first line of the last failure's message. */
  readonly reason: string;
}

/** What `failed()` says of a BullMQ job. */
export function failedJob(job: Job): FailedJob {
  const id = String(job.id);
  return {
    id,
    eventId: eventIdOfJob(id),
    type: job.name,
    attempts: job.attemptsMade,
    failedAt: job.finishedOn === undefined ? undefined : new Date(job.finishedOn),
    reason: (job.failedReason ?? '').split('\n')[0] ?? '',
  };
}
