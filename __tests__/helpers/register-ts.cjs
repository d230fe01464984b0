// Lets a child process `require` the TypeScript sources, compiled on the fly with swc (as Jest
// does), so that tests can run the app in separate processes without a build step.
const { readFileSync } = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const { transformSync } = require('@swc/core');

// The package's own name resolves to its sources, so that the README's examples run verbatim.
const lib = path.join(__dirname, '../../lib');
const ALIASES = {
  'express-violet-webhooks': path.join(lib, 'index.ts'),
  'express-violet-webhooks/testing': path.join(lib, 'testing/index.ts'),
  'express-violet-webhooks/redis': path.join(lib, 'redis.ts'),
  'express-violet-webhooks/admin': path.join(lib, 'admin/index.ts'),
  'express-violet-webhooks/bullmq': path.join(lib, 'bullmq/index.ts'),
  'express-violet-webhooks/otel': path.join(lib, 'otel/index.ts'),
  'express-violet-webhooks/postgres': path.join(lib, 'postgres/index.ts'),
};
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return resolve.call(this, ALIASES[request] ?? request, ...rest);
};

require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(readFileSync(filename, 'utf8'), {
    filename,
    module: { type: 'commonjs' },
    jsc: { target: 'es2022', parser: { syntax: 'typescript' } },
  });
  module._compile(code, filename);
};
