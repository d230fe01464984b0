import net from 'node:net';

/**
 * A TCP proxy on loopback that accepts at once but joins each connection to its target only
 * after `delayMs`: a Redis that is slow to be reached, as from a process that has just started.
 * `cut()` drops every joined connection, as a network failure does.
 */
export class SlowProxy {
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  delayMs: number;

  constructor(
    private readonly target: { host: string; port: number },
    delayMs: number,
  ) {
    this.delayMs = delayMs;
    this.server = net.createServer((client) => this.join(client));
  }

  listen(): Promise<number> {
    return new Promise((resolve) => {
      this.server.listen(0, '127.0.0.1', () =>
        resolve((this.server.address() as net.AddressInfo).port),
      );
    });
  }

  cut(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  close(): Promise<void> {
    this.cut();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private join(client: net.Socket): void {
    this.sockets.add(client);
    client.pause();
    client.on('error', () => undefined);
    setTimeout(() => {
      if (client.destroyed) return;
      const upstream = net.connect(this.target.port, this.target.host);
      this.sockets.add(upstream);
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
      client.pipe(upstream).pipe(client);
      client.resume();
    }, this.delayMs);
  }
}
