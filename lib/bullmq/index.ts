// express-violet-webhooks/bullmq: the durable hand-off. bullmqQueue() is a DeliveryQueue for the
// middleware's `queue` option: a delivery is answered once its job is in Redis. createVioletWorker()
// processes the jobs, on any number of machines, with the event the middleware would have built.
// It guarantees at most one job per event id, and at least one run of the listeners per
// acknowledged delivery while Redis keeps its data (docs/queue.md says how to run Redis for that).
// Needs bullmq (>= 6.3.3) and ioredis; the main entry point never imports this one.
export { bullmqQueue } from './bullmq-queue';
export type { BullmqQueueOptions, VioletQueue, VioletJobOptions } from './bullmq-queue';
export type { FailedJob } from './failed-job';
export type { VioletConnection } from './connection';
export { createVioletWorker } from './violet-worker';
export type {
  VioletWorker,
  VioletWorkerOptions,
  VioletWorkerListeners,
  VioletJob,
} from './violet-worker';
export { PermanentError } from './permanent-error';
export { jobIdOf } from './job-data';
export type { VioletJobData } from './job-data';
