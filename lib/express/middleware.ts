import type { IncomingMessage, ServerResponse } from 'node:http';
import createDebug from 'debug';
import type { VioletEvent } from '../events';
import type { BodySource } from '../receive/delivery';
import { BodyStreamError } from '../receive/read-body';
import type { Pipeline, ReceiveResult } from '../receive/receive';

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

/** Where the exact bytes are: kept by an upstream parser, or still in the request stream. */
function bodySource(req: MiddlewareRequest): BodySource {
  if (Buffer.isBuffer(req.rawBody)) return req.rawBody;
  if (Buffer.isBuffer(req.body)) return req.body;
  // An upstream parser that kept no bytes has ended the stream; read-body then answers
  // BODY_ALREADY_PARSED with the fix, instead of waiting for bytes that never come.
  return req;
}

const JSON_TYPE = 'application/json; charset=utf-8';
/** The two answers that make up nearly all traffic, serialised once. */
const SERIALISED = new Map<ReceiveResult['body'], string>();

function writeResult(res: MiddlewareResponse, result: ReceiveResult): void {
  if (res.headersSent || res.writableEnded) return;
  let text = SERIALISED.get(result.body);
  if (text === undefined) {
    text = JSON.stringify(result.body);
    if (result.error === undefined) SERIALISED.set(result.body, text);
  }
  res.writeHead(
    result.status,
    result.headers === undefined
      ? { 'Content-Type': JSON_TYPE }
      : { ...result.headers, 'Content-Type': JSON_TYPE },
  );
  res.end(text);
}

/** The thin Express adapter: req and res in, an answer or `next(err)` out. */
export function createMiddleware(pipeline: Pipeline, respond: boolean) {
  return function violetWebhooksMiddleware(
    req: MiddlewareRequest,
    res: MiddlewareResponse,
    next: MiddlewareNext,
  ): void {
    const delivery = { method: req.method, headers: req.headers, body: bodySource(req) };
    pipeline.run(delivery).then(
      (result) => {
        if (result.event !== undefined) req.violet = result.event;
        if (respond) return writeResult(res, result);
        if (res.locals !== undefined) res.locals.violetResult = result;
        if (result.error !== undefined) return next(result.error);
        next();
      },
      (error: unknown) => {
        if (error instanceof BodyStreamError) {
          debug('request body stream failed; the sender is gone, nothing to answer');
          return;
        }
        next(error);
      },
    );
  };
}
