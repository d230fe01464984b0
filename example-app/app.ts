// The example app: an Express server that receives Violet webhooks.
// Copy this file as a start; `npm run demo` runs it against signed sample deliveries.
import http from 'node:http';
import express, { type Express } from 'express';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { violetWebhooks } from 'express-violet-webhooks';
import { openTelemetry } from 'express-violet-webhooks/otel';
import { addListeners, type Log } from './listeners';

export type { Log };

export function createApp(secret: string, log: Log) {
  // Metrics for Prometheus at /metrics (violet_webhook_deliveries_total, ...). An app that has an
  // OpenTelemetry SDK set up already passes nothing to openTelemetry(): it uses the global one.
  const prometheus = new PrometheusExporter({ preventServerStart: true });
  const meterProvider = new MeterProvider({ readers: [prometheus] });
  const violet = violetWebhooks({ secret, telemetry: openTelemetry({ meterProvider }) });
  addListeners(violet, log);

  const app = express();
  app.post('/webhooks/violet', violet);
  app.get('/metrics', (req, res) => prometheus.getMetricsRequestHandler(req, res));
  app.get('/health', (_req, res) => {
    res.json({ ok: true });
  });
  return { app, violet };
}

/** How long a sender may take, in ms. Violet sends a whole delivery at once and waits 10 s. */
export interface SenderTimeouts {
  /** Until the request's headers are in. */
  headersMs: number;
  /** Until the whole request, body included, is in. */
  requestMs: number;
}

/**
 * Starts an HTTP server for the app with bounds on slow senders: one that trickles its headers or
 * body is answered 408 and disconnected, rather than holding a connection and its memory for
 * Node's default of five minutes.
 */
export function listen(
  app: Express,
  port: number,
  host?: string,
  timeouts: SenderTimeouts = { headersMs: 10_000, requestMs: 15_000 },
): http.Server {
  const server = http.createServer(
    {
      headersTimeout: timeouts.headersMs,
      requestTimeout: timeouts.requestMs,
      // How often Node looks for requests past those deadlines (30 s by default).
      connectionsCheckingInterval: Math.min(1_000, timeouts.headersMs),
    },
    app,
  );
  return host === undefined ? server.listen(port) : server.listen(port, host);
}
