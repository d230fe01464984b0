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
