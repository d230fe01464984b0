// Preloaded into a command-line run that must not reach the network: every fetch is written to
// stderr as `FETCH <method> <url>` and answered 401, so a test sees where the command would go.
globalThis.fetch = async (url, init = {}) => {
  process.stderr.write(`FETCH ${init.method ?? 'GET'} ${String(url)}\n`);
  return new Response(JSON.stringify({ message: 'stubbed' }), {
    status: 401,
    headers: { 'content-type': 'application/json' },
  });
};
