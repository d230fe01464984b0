// The smallest receivers that show what one property set on the request costs: each reads the
// body, parses it and answers 200. KIND picks the server and whether the parsed body is also
// stored on the request, as this package stores its event on `req.violet`:
//   http, http-store          a plain node:http server
//   express, express-store    Express, with a path-less app.use(), the cheapest mount
// Prints `LISTENING <port>`.
import http from 'node:http';
import express from 'express';

const kind = process.env.KIND;
const store = kind.endsWith('-store');

function handler(req, res) {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const payload = JSON.parse(Buffer.concat(chunks).toString('latin1'));
    if (store) req.parsed = payload;
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '17' });
    res.end('{"received":true}');
  });
}

let app = handler;
if (kind.startsWith('express')) {
  app = express();
  app.use(handler);
}
const server = http.createServer(app);
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`LISTENING ${server.address().port}\n`));
