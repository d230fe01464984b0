// express-violet-webhooks/otel: telemetry through OpenTelemetry's API (an optional peer
// dependency, never an SDK). openTelemetry() implements the `telemetry` option of the middleware
// and of createVioletWorker; the main entry point never imports this one, so an app that does not
// use it loads no OpenTelemetry code and pays nothing.
export { openTelemetry } from './open-telemetry';
export type { OpenTelemetryOptions } from './open-telemetry';
