import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A user-space TCP proxy (node:net) to put between clients and a server: it forwards bytes as
 * they come, or, while a delay is set, holds each chunk that long before passing it on (in
 * order, in both directions), as a slow network would.
 */
export class DelayProxy {
  #delayMs = 0;
  readonly #sockets = new Set<Socket>();

  private constructor(
    readonly server: Server,
    readonly port: number,
  ) {}

  static async start(target: { host: string; port: number }): Promise<DelayProxy> {
    const holder: { proxy?: DelayProxy } = {};
    const server = createServer((client) => holder.proxy?.pipe(client, target));
    const port = await new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        if (typeof address === 'object' && address) resolve(address.port);
        else reject(new Error('proxy has no port'));
      });
    });
    holder.proxy = new DelayProxy(server, port);
    return holder.proxy;
  }

  /** Milliseconds each chunk is held from now on; 0 forwards at once. */
  set delayMs(ms: number) {
    this.#delayMs = ms;
  }

  get delayMs(): number {
    return this.#delayMs;
  }

  get connections(): number {
    return this.#sockets.size / 2;
  }

  private pipe(client: Socket, target: { host: string; port: number }): void {
    const upstream = connect(target);
    for (const s of [client, upstream]) {
      this.#sockets.add(s);
      s.setNoDelay(true);
      s.once('close', () => this.#sockets.delete(s));
      // A reset on one side ends the pair, as a dropped connection would.
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    this.forward(client, upstream);
    this.forward(upstream, client);
  }

  /** Passes chunks from `from` to `to`, each after the delay in force when it arrived, in order. */
  private forward(from: Socket, to: Socket): void {
    const queue: { due: number; chunk: Buffer }[] = [];
    let timer: NodeJS.Timeout | undefined;
    let ended = false;
    const drain = () => {
      timer = undefined;
      const now = Date.now();
      while (queue.length > 0 && (queue[0]?.due ?? 0) <= now) {
        const next = queue.shift();
        if (next && !to.destroyed) to.write(next.chunk);
      }
      if (queue.length > 0) timer = setTimeout(drain, (queue[0]?.due ?? now) - now);
      else if (ended) to.end();
    };
    from.on('data', (chunk: Buffer) => {
      if (this.#delayMs === 0 && queue.length === 0) {
        to.write(chunk);
        return;
      }
      // Never earlier than the chunk before it, so lowering the delay cannot reorder bytes.
      const due = Math.max(Date.now() + this.#delayMs, queue.at(-1)?.due ?? 0);
      queue.push({ due, chunk });
      if (!timer) timer = setTimeout(drain, due - Date.now());
    });
    from.on('end', () => {
      ended = true;
      if (queue.length === 0) to.end();
    });
    from.on('close', () => {
      if (queue.length === 0) to.destroy();
    });
  }

  async close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
