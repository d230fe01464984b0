import type { Job, Worker } from 'bullmq';
import { VioletWebhookError } from '../errors';
import { eventIdOfJob, fromJobData } from './job-data';

/** BullMQ's reason for a job whose workers stopped under it more than `maxStalledCount` times. */
const STALLED = 'job stalled more than allowable limit';

/**
 * Reports the jobs failed for good that no listener's failure explains: BullMQ fails a job
 * whose workers stopped under it too often, or that started more than `maxStartedAttempts`
 * times, without running the processor; a job whose data this version cannot read fails before
 * any listener. Each reaches `'error'` as `RETRIES_EXHAUSTED`, once: failures the processor has
 * reported already are in `reported`.
 */
export function reportOtherFailures(
  worker: Worker,
  reported: WeakSet<Error>,
  report: (error: VioletWebhookError) => void,
): void {
  worker.on('failed', (job: Job | undefined, error: Error) => {
    // Not failed for good (BullMQ tries it again), or reported already.
    if (job === undefined || typeof job.finishedOn !== 'number' || reported.has(error)) return;
    const id = String(job.id);
    const why =
      error.message === STALLED
        ? `${STALLED} (its worker was killed, crashed, or blocked its event loop past lockDuration)`
        : error.message;
    report(
      new VioletWebhookError(
        'RETRIES_EXHAUSTED',
        `job ${id} failed for good: ${why}; it is kept among the failed jobs for replay`,
        {
          eventType: job.name,
          eventId: fromJobData(job.data)?.headers['x-violet-event-id'] ?? eventIdOfJob(id),
          attempt: job.attemptsMade,
          cause: error,
        },
      ),
    );
  });
}
