// One benchmark server, chosen by KIND, on a free loopback port; prints `LISTENING <port>`.
//   express-json  a bare Express route behind express.json(): parses, verifies nothing
//   violet        our Express middleware: signature, strict validation, in-memory de-duplication,
//                 one async listener
//   violet-sdk    the same in an app that has set up OpenTelemetry's SDK (a context manager,
//                 spans batched to an exporter that drops them, metrics read every minute)
//   violet-otel   the same with the telemetry option on: openTelemetry() over that SDK
//   octokit       @octokit/webhooks' createNodeMiddleware mounted in Express: signature, parse,
//                 one async listener
//   octokit-http  the same on a plain node:http server
//   receive       our receive() on a plain node:http server, same work as `violet`, answered
//                 with writeResult() as the README shows
//   floor         the least a receiver must do, hand-written on node:http: the HMAC computed
//                 while the body arrives, compared in constant time, the text decoded, parsed,
//                 and a 200 answered; no headers checked, no schema, no de-duplication
// With VIOLET_PACKAGE, the package is the build of that checkout (`npm run bench:compare`);
// VALIDATION=off and ORDERING=flag|off set those options of violet and receive.
import { createHmac, createSecretKey, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import express from 'express';
import { underTest } from './under-test.mjs';

const { violetWebhooks, writeResult } = underTest();

const secret = process.env.SECRET;
const kind = process.env.KIND;
const limit = '10mb';
let handler;

/** The SDK set up (bench/otel-sdk.mjs), and the telemetry option over it. */
async function setUpSdk() {
  const { setUpSdk: setUp } = await import('./otel-sdk.mjs');
  const { openTelemetry } = underTest('otel');
  const providers = setUp();
  return { telemetry: () => openTelemetry(providers) };
}

if (kind === 'express-json') {
  const app = express();
  app.post('/webhooks', express.json({ limit }), (req, res) => {
    res.json({ received: typeof req.body === 'object' });
  });
  handler = app;
} else if (['violet', 'violet-use', 'receive', 'violet-sdk', 'violet-otel'].includes(kind)) {
  const sdk = kind === 'violet-sdk' || kind === 'violet-otel' ? await setUpSdk() : undefined;
  const violet = violetWebhooks({
    secret,
    limit,
    ...(process.env.VALIDATION === 'off' ? { validation: 'off' } : {}),
    // Set only when asked: a build from before the option would refuse it.
    ...(process.env.ORDERING ? { ordering: process.env.ORDERING } : {}),
    ...(kind === 'violet-otel' ? { telemetry: sdk.telemetry() } : {}),
  });
  // One async listener, as an app that hands the event to its own code would have.
  violet.on('ORDER_SHIPPED', async (event) => {
    if (event.bag === undefined) throw new Error('the bag was not resolved');
  });
  if (kind === 'violet' || kind === 'violet-sdk' || kind === 'violet-otel') {
    const app = express();
    app.post('/webhooks', violet);
    handler = app;
  } else if (kind === 'violet-use') {
    const app = express();
    app.use('/webhooks', violet);
    handler = app;
  } else {
    handler = async (req, res) => {
      writeResult(
        res,
        await violet.receive({ method: req.method, headers: req.headers, body: req }),
      );
    };
  }
} else if (kind === 'floor') {
  handler = floorHandler(createSecretKey(Buffer.from(secret)));
} else if (kind === 'octokit' || kind === 'octokit-http') {
  const { Webhooks, createNodeMiddleware } = await import('@octokit/webhooks');
  const webhooks = new Webhooks({ secret });
  webhooks.on('push', async () => undefined);
  const middleware = createNodeMiddleware(webhooks, { path: '/webhooks' });
  if (kind === 'octokit') {
    const app = express();
    app.use(middleware);
    handler = app;
  } else {
    handler = middleware;
  }
} else {
  throw new Error(`unknown KIND ${kind}`);
}

/** The floor: what any receiver of a signed JSON body has to do, and nothing else. */
function floorHandler(key) {
  const answer = (res, status, text) => {
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  };
  return (req, res) => {
    const hmac = createHmac('sha256', key);
    const chunks = [];
    req.on('data', (chunk) => {
      hmac.update(chunk);
      chunks.push(chunk);
    });
    req.on('end', () => {
      const expected = Buffer.from(String(req.headers['x-violet-hmac']), 'base64');
      const digest = hmac.digest();
      if (expected.length !== digest.length || !timingSafeEqual(expected, digest)) {
        return answer(res, 401, '{"error":"signature"}');
      }
      const payload = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      answer(res, 200, typeof payload === 'object' ? '{"received":true}' : '{}');
    });
  };
}

const server = http.createServer(handler);
// CPU time spent and requests answered, on demand (SIGUSR2), so the driver can compute the CPU
// cost of one request: a figure that other load on the machine disturbs less than req/s.
let requests = 0;
server.on('request', () => void (requests += 1));
process.on('SIGUSR2', () => {
  const { user, system } = process.cpuUsage();
  process.stdout.write(`STATS ${user + system} ${requests}\n`);
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`LISTENING ${server.address().port}\n`));
process.on('SIGTERM', () => process.exit(0));
