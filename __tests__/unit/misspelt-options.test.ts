import { violetWebhooks, MemoryDedupeStore } from '../../lib';
import { VioletAdmin } from '../../lib/admin';
import { bullmqQueue, createVioletWorker } from '../../lib/bullmq';
import { openTelemetry } from '../../lib/otel';
import { RedisDedupeStore } from '../../lib/redis';

// A JavaScript user's typo must not be ignored: every factory refuses a key it does not know,
// naming it and what to write instead.
const connection = { host: '127.0.0.1', port: 1 };
const client = {
  set: () => Promise.resolve(null),
  get: () => Promise.resolve(null),
  eval: () => Promise.resolve(0),
};
const admin = { appId: 1, appSecret: 'app-secret', username: 'u@example.com', password: 'pw' };
type Make = () => unknown;
const loose = <T>(options: Record<string, unknown>) => options as unknown as T;

test.each<[string, Make, RegExp]>([
  [
    'violetWebhooks: secrets',
    () => violetWebhooks(loose({ secret: 's', secrets: ['s'] })),
    /option `secrets` is not an option; did you mean `secret`\?/,
  ],
  [
    'violetWebhooks: attempts, which belongs to the queue',
    () => violetWebhooks(loose({ secret: 's', attempts: 3 })),
    /option `attempts` is not an option; retries belong to the queue: bullmqQueue\(\{ jobOptions: \{ attempts \} \}\)/,
  ],
  [
    'bullmqQueue: attempts, which BullMQ keeps on each job',
    () => bullmqQueue(loose({ connection, name: 'q', attempts: 2 })),
    /bullmqQueue option `attempts` is not an option; BullMQ keeps it on each job: set `jobOptions.attempts`/,
  ],
  [
    'bullmqQueue: a misspelt job option',
    () => bullmqQueue(loose({ connection, name: 'q', jobOptions: { atempts: 2 } })),
    /bullmqQueue option `jobOptions.atempts` is not an option; did you mean `attempts`\?/,
  ],
  [
    'bullmqQueue: a misspelt timeout',
    () => bullmqQueue(loose({ connection, name: 'q', enqueueTimeoutMs: 100 })),
    /bullmqQueue option `enqueueTimeoutMs` is not an option; did you mean `enqueueTimeout`\?/,
  ],
  [
    'createVioletWorker: concurency',
    () => createVioletWorker(loose({ connection, name: 'q', concurency: 5 })),
    /createVioletWorker option `concurency` is not an option; did you mean `concurrency`\?/,
  ],
  [
    'createVioletWorker: attempts, which belongs to the queue',
    () => createVioletWorker(loose({ connection, name: 'q', attempts: 2 })),
    /createVioletWorker option `attempts` is not an option; BullMQ keeps retries on each job: bullmqQueue\(\{ jobOptions: \{ attempts \} \}\)/,
  ],
  [
    'createVioletWorker: a bad validation',
    () => createVioletWorker(loose({ connection, name: 'q', validation: 'loose' })),
    /createVioletWorker option `validation` must be 'strict' or 'off'/,
  ],
  [
    'VioletAdmin: secret',
    () => new VioletAdmin(loose({ ...admin, secret: 'x' })),
    /VioletAdmin option `secret` is not an option; the app secret is `appSecret`/,
  ],
  [
    'VioletAdmin: enviroment',
    () => new VioletAdmin(loose({ ...admin, enviroment: 'live' })),
    /VioletAdmin option `enviroment` is not an option; did you mean `environment`\?/,
  ],
  [
    'openTelemetry: tracer',
    () => openTelemetry(loose({ tracer: {} })),
    /openTelemetry option `tracer` is not an option \(known: tracerProvider, meterProvider\)/,
  ],
  [
    'openTelemetry: meterprovider',
    () => openTelemetry(loose({ meterprovider: {} })),
    /openTelemetry option `meterprovider` is not an option; did you mean `meterProvider`\?/,
  ],
  [
    'MemoryDedupeStore: ttl',
    () => new MemoryDedupeStore(loose({ ttl: 1000 })),
    /MemoryDedupeStore option `ttl` is not an option; did you mean `ttlMs`\?/,
  ],
  [
    'RedisDedupeStore: commandTimeout',
    () => new RedisDedupeStore(client, loose({ commandTimeout: 500 })),
    /RedisDedupeStore option `commandTimeout` is not an option; did you mean `commandTimeoutMs`\?/,
  ],
])('%s: a TypeError names the key and what to write instead', (_label, make, message) => {
  expect(make).toThrow(TypeError);
  expect(make).toThrow(message);
});

test('the values of refused options never appear in the error', () => {
  expect(() => new VioletAdmin(loose({ ...admin, secret: 'very-secret-value' }))).toThrow(
    expect.objectContaining({ message: expect.not.stringContaining('very-secret-value') }),
  );
});
