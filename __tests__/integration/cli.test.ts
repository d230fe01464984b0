import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { VIOLET_EVENT_TYPES } from '../../lib';
import { cli } from '../helpers/cli';
import { SECRET } from '../helpers/deliveries';
import { opensslSign } from '../helpers/openssl';

/** A receiver that checks each delivery's signature with openssl and answers 200 or 401. */
function receiver() {
  const seen: { headers: http.IncomingHttpHeaders; body: Buffer; verified: boolean }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const verified = opensslSign(body, SECRET) === req.headers['x-violet-hmac'];
      seen.push({ headers: req.headers, body, verified });
      res.writeHead(verified ? 200 : 401, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify(verified ? { received: true } : { error: { code: 'INVALID_SIGNATURE' } }),
      );
    });
  });
  return { server, seen };
}

describe('the violet-webhooks command', () => {
  const { server, seen } = receiver();
  let url = '';
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/violet`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => void (seen.length = 0));

  test('send posts a delivery that an independent HMAC implementation verifies', async () => {
    const run = await cli([
      'send',
      url,
      '--type',
      'ORDER_SHIPPED',
      '--secret',
      SECRET,
      '--bag-id',
      '11111',
      '--sku-id',
      '33331',
      '--event-id',
      '42',
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('200 OK');
    expect(run.stdout).toContain('{"received":true}');
    expect(seen).toHaveLength(1);
    expect(seen[0]?.verified).toBe(true);
    expect(seen[0]?.headers).toMatchObject({
      'content-type': 'application/json',
      'x-violet-topic': 'ORDER_SHIPPED',
      'x-violet-event-id': '42',
      'x-violet-bag-id': '11111',
      'x-violet-sku-id': '33331',
      'x-violet-order-id': '12345',
    });
    expect(JSON.parse(seen[0]?.body.toString() ?? '')).toMatchObject({
      id: 12345,
      bags: expect.any(Array),
    });
  });

  test('send takes the secret from VIOLET_APP_SECRET and a body from --payload, byte for byte', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'violet-cli-'));
    const file = path.join(dir, 'merchant.json');
    const body = '{ "id": 7,\n  "name": "Spaced   Out" }\n';
    writeFileSync(file, body);
    const run = await cli(['send', url, '--type', 'MERCHANT_CONNECTED', '--payload', file], {
      env: { VIOLET_APP_SECRET: SECRET },
    });
    expect(run.code).toBe(0);
    expect(seen[0]?.body.toString()).toBe(body);
    expect(seen[0]?.verified).toBe(true);
  });

  test('send exits 1 and prints the answer when it is not 2xx', async () => {
    const run = await cli(['send', url, '--type', 'ORDER_SHIPPED', '--secret', 'wrong-secret']);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('401');
    expect(run.stdout).toContain('INVALID_SIGNATURE');
  });

  test.each<[string, string[], RegExp]>([
    ['no URL', ['send', '--type', 'ORDER_SHIPPED', '--secret', 's'], /URL to post to is missing/],
    ['no type', ['send', 'http://127.0.0.1:9/x', '--secret', 's'], /--type is required/],
    [
      'no secret',
      ['send', 'http://127.0.0.1:9/x', '--type', 'ORDER_SHIPPED'],
      /a secret is needed/,
    ],
    ['a bad URL', ['send', 'not a url', '--type', 'ORDER_SHIPPED', '--secret', 's'], /not a URL/],
    [
      'a bad bag id',
      [
        'send',
        'http://127.0.0.1:9/x',
        '--type',
        'ORDER_SHIPPED',
        '--secret',
        's',
        '--bag-id',
        'abc',
      ],
      /--bag-id must be a whole number/,
    ],
    [
      'an unknown type with no payload',
      ['send', 'http://127.0.0.1:9/x', '--type', 'NEW_THING', '--secret', 's'],
      /not a known event type/,
    ],
    [
      'an unknown option',
      ['send', 'http://127.0.0.1:9/x', '--typo', 'x'],
      /Unknown option '--typo'/,
    ],
    ['an unknown command', ['teleport'], /unknown command: teleport/],
  ])('a usage error (%s) exits 2 with the usage', async (_label, args, message) => {
    const run = await cli(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toContain('Usage: violet-webhooks');
    expect(seen).toHaveLength(0);
  });

  test('sign prints the signature of standard input, as openssl computes it', async () => {
    const body = '{"id":1,"bags":[]}\n';
    const run = await cli(['sign', '--secret', SECRET], { input: body });
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe(opensslSign(Buffer.from(body), SECRET));
  });

  test('types lists every known type with its family', async () => {
    const run = await cli(['types']);
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines.map((l) => l.split(/\s+/)[0])).toEqual([...VIOLET_EVENT_TYPES]);
    expect(lines.map((l) => l.split(/\s+/))).toContainEqual(['TRANSFER_SENT', 'transfer']);
    expect(lines.map((l) => l.split(/\s+/))).toContainEqual([
      'PAYMENT_TRANSACTION_CAPTURE_STATUS_PARTIALLY_REFUNDED',
      'transaction',
    ]);
  });

  test.each([
    ['send'],
    ['sign'],
    ['types'],
    ['types', '--remote'],
    ['queue'],
    ['subscribe'],
    ['subscriptions'],
    ['deliveries'],
    ['resend'],
    ['recover'],
  ])('%s %s --help prints its usage and exits 0, calling nothing', async (command, ...more) => {
    // No credentials and no Redis: a command that tried to run would fail.
    const run = await cli([command, ...more, '--help'], {
      env: { REDIS_URL: 'redis://127.0.0.1:1' },
    });
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toContain(`Usage: violet-webhooks ${command}`);
  });

  test('an unknown command is a usage error', async () => {
    const run = await cli(['sned']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('unknown command: sned');
  });

  test('--help prints the commands', async () => {
    const run = await cli(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/send <url>[\s\S]*sign[\s\S]*types/);
  });
});
