// One delivery posted to a benchmark server's /webhooks on loopback, its answer read to the end.
import http from 'node:http';

/** Resolves to the answer's status code; rejects when the connection fails. */
export function post({ port, agent, headers, body }) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: '/webhooks',
        method: 'POST',
        agent,
        headers: { ...headers, 'content-length': body.length },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
