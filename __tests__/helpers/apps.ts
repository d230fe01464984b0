import type { Express, RequestHandler } from 'express';
import express5 from 'express';
import express4 from 'express4';
import request from 'supertest';

type ExpressFactory = typeof express5;

/** Both supported Express majors, to run each integration suite against. */
export const EXPRESS_VERSIONS: ReadonlyArray<readonly [string, ExpressFactory]> = [
  ['express 5', express5],
  ['express 4', express4 as unknown as ExpressFactory],
];

export const PATH = '/webhooks/violet';

/** An app with the middleware mounted as users mount it, and a JSON 404 for anything else. */
export function appWith(
  express: ExpressFactory,
  handler: RequestHandler,
  mount: 'post' | 'use' = 'post',
): Express {
  const app = express();
  if (mount === 'post') app.post(PATH, handler);
  else app.use(PATH, handler);
  return app;
}

/** Posts a signed delivery to the app's webhook path as Violet does: its headers, its exact body. */
export function deliver(app: Express, d: { headers: Record<string, string>; body: string }) {
  return request(app).post(PATH).set(d.headers).send(d.body);
}

/** What a server in another process answered to one delivery. */
export interface Answer {
  status: number;
  /** The error code of a refusal. */
  code?: string;
  /** How long the answer took. */
  ms: number;
}

/**
 * Posts a signed delivery to the webhook path of a server on a loopback port (one running in
 * another process), as Violet does; gives up after `timeoutMs`.
 */
export async function postTo(
  port: number,
  d: { headers: Record<string, string>; body: string },
  timeoutMs = 15_000,
): Promise<Answer> {
  const started = Date.now();
  const res = await fetch(`http://127.0.0.1:${port}${PATH}`, {
    method: 'POST',
    headers: d.headers,
    body: d.body,
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  let code: string | undefined;
  try {
    code = (JSON.parse(text) as { error?: { code?: string } }).error?.code;
  } catch {
    code = undefined;
  }
  return { status: res.status, ms: Date.now() - started, ...(code === undefined ? {} : { code }) };
}
