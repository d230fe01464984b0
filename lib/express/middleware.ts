import type { IncomingMessage, ServerResponse } from 'node:http';
import createDebug from 'debug';
import type { VioletEvent } from '../events';
import { writeResult } from '../http/write-result';
import type { Delivery } from '../receive/delivery';
import type { EventCallback } from '../receive/pipeline';
import type { ReceiveResult } from '../receive/result';
import { expressBody } from './already-parsed';
import { holdEvent } from './request-event';

const debug = createDebug('violet-webhooks:express');

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** The verified, validated Violet event, set by the Violet middleware. */
      violet?: VioletEvent;
      /** The exact body bytes, kept by `express.json({ verify: captureRawBody })`. */
      rawBody?: Buffer;
    }
    interface Locals {
      /** With `respond: false`: the answer the Violet middleware would have given. */
      violetResult?: ReceiveResult;
    }
  }
}

/** A request as the middleware reads it: Node's, with what Express or body-parser may add. */
export type MiddlewareRequest = IncomingMessage & {
  body?: unknown;
  rawBody?: unknown;
  violet?: VioletEvent;
};
/** A response as the middleware writes it: Node's, with Express's `locals` when present. */
export type MiddlewareResponse = ServerResponse & { locals?: Record<string, unknown> };
/** Express's `next`. */
export type MiddlewareNext = (error?: unknown) => void;

/** What the adapter runs a delivery through: the pipeline. */
export interface DeliveryRunner {
  run(delivery: Delivery, onEvent?: EventCallback): Promise<ReceiveResult>;
}

/**
 * The thin Express adapter: req and res in, an answer or `next(err)` out. With `respond: false`
 * every failure goes to `next(err)`, a body stream that failed included, as body-parser does.
 */
export function createMiddleware(pipeline: DeliveryRunner, respond: boolean) {
  return function violetWebhooksMiddleware(
    req: MiddlewareRequest,
    res: MiddlewareResponse,
    next: MiddlewareNext,
  ): void {
    const delivery = { method: req.method, headers: req.headers, body: expressBody(req) };
    const onEvent = (event: VioletEvent) => holdEvent(req, event);
    pipeline.run(delivery, onEvent).then(
      (result) => {
        if (respond) {
          if (result.error?.code === 'BODY_STREAM_FAILED') {
            debug('request body stream failed; the sender is gone, nothing to answer');
          }
          return writeResult(res, result);
        }
        if (res.locals !== undefined) res.locals.violetResult = result;
        if (result.error !== undefined) return next(result.error);
        next();
      },
      // A fault of this package, never of the sender: Express's error handling takes it.
      next,
    );
  };
}
