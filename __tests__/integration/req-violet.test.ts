import http, { IncomingMessage } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import request from 'supertest';
import { violetWebhooks, type VioletEvent } from '../../lib';
import { deliver, EXPRESS_VERSIONS, PATH } from '../helpers/apps';
import { SECRET, delivery } from '../helpers/deliveries';

// `req.violet` is an own property of the request, not enumerable (lib/express/request-event.ts):
// these check that it reads, writes and travels as an assigned one would, and that no prototype
// shared by the process's apps is touched.
describe.each(EXPRESS_VERSIONS)('req.violet (%s)', (_name, express) => {
  test("is the request's own property, and no request prototype gains `violet`", async () => {
    const violet = violetWebhooks({ secret: SECRET, respond: false });
    const app = express();
    app.post(PATH, violet, (req: Request, res: Response) => {
      const prototypes: object[] = [];
      for (let p: unknown = Object.getPrototypeOf(req); p !== null; p = Object.getPrototypeOf(p)) {
        prototypes.push(p as object);
      }
      res.json({
        own: Object.prototype.hasOwnProperty.call(req, 'violet'),
        type: req.violet?.type,
        onPrototypes: prototypes.filter((p) => Object.prototype.hasOwnProperty.call(p, 'violet'))
          .length,
      });
    });
    const res = await deliver(app, delivery('ORDER_SHIPPED'));
    expect(res.body).toEqual({ own: true, type: 'ORDER_SHIPPED', onPrototypes: 0 });
    expect('violet' in express.request).toBe(false);
    expect('violet' in IncomingMessage.prototype).toBe(false);
  });

  test('a sub-app with respond: false hands req.violet to the parent app after it', async () => {
    const violet = violetWebhooks({ secret: SECRET, respond: false });
    const sub = express();
    sub.post(PATH, violet, (_req: Request, _res: Response, next: NextFunction) => next());
    const app = express();
    app.use(sub);
    app.use((req: Request, res: Response) => {
      res.status(202).json({ type: req.violet?.type, has: 'violet' in req });
    });
    const res = await deliver(app, delivery('ORDER_SHIPPED'));
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ type: 'ORDER_SHIPPED', has: true });
  });

  test("a logger reading req.violet when the answer has gone (res 'finish') finds the event", async () => {
    const violet = violetWebhooks({ secret: SECRET });
    const logged: (string | undefined)[] = [];
    const app = express();
    app.use((req: Request, res: Response, next: NextFunction) => {
      res.on('finish', () => logged.push(req.violet?.id));
      next();
    });
    app.post(PATH, violet);
    const d = delivery('ORDER_SHIPPED');
    await deliver(app, d).expect(200);
    await request(app)
      .post(PATH)
      .set(delivery('ORDER_SHIPPED', { secret: 'x' }).headers)
      .send('{}');
    expect(logged).toEqual([d.headers['x-violet-event-id'], undefined]);
  });

  test('a later middleware can replace req.violet, and each request keeps its own', async () => {
    const violet = violetWebhooks({ secret: SECRET, respond: false });
    const app = express();
    app.post(PATH, violet, (req: Request, res: Response) => {
      const original = req.violet as VioletEvent;
      req.violet = { ...original, id: `${original.id}-copy` };
      res.json({ id: req.violet.id, keys: Object.keys(req).includes('violet') });
    });
    const a = delivery('ORDER_SHIPPED');
    const b = delivery('ORDER_SHIPPED');
    const [ra, rb] = await Promise.all([deliver(app, a), deliver(app, b)]);
    expect(ra.body).toEqual({ id: `${a.headers['x-violet-event-id']}-copy`, keys: false });
    expect(rb.body).toEqual({ id: `${b.headers['x-violet-event-id']}-copy`, keys: false });
  });
});

describe('req.violet outside Express', () => {
  test('on node:http the event is an own property of the request', async () => {
    const violet = violetWebhooks({ secret: SECRET, respond: false });
    const server = http.createServer((req, res) => {
      violet(req, res, (error?: unknown) => {
        const own = Object.prototype.hasOwnProperty.call(req, 'violet');
        res.end(
          JSON.stringify({
            error: error !== undefined,
            own,
            type: (req as { violet?: VioletEvent }).violet?.type,
          }),
        );
      });
    });
    const res = await deliver(server as never, delivery('ORDER_SHIPPED'));
    expect(JSON.parse(res.text)).toEqual({ error: false, own: true, type: 'ORDER_SHIPPED' });
  });

  test('a frozen request prototype keeps the event as an own property', async () => {
    const violet = violetWebhooks({ secret: SECRET, respond: false });
    const frozen = Object.freeze(Object.create(IncomingMessage.prototype) as object);
    const server = http.createServer((req, res) => {
      Object.setPrototypeOf(req, frozen);
      violet(req, res, () => {
        const own = Object.prototype.hasOwnProperty.call(req, 'violet');
        res.end(JSON.stringify({ own, type: (req as { violet?: VioletEvent }).violet?.type }));
      });
    });
    const res = await deliver(server as never, delivery('ORDER_SHIPPED'));
    expect(JSON.parse(res.text)).toEqual({ own: true, type: 'ORDER_SHIPPED' });
  });
});
