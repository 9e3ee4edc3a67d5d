import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { JDBC_SINK_CLASS, registerOrdersSinkPatiently } from './orders-sink.js';

/** A stand-in Connect REST API that answers each PUT with the next status of `puts`. */
async function fakeWorker(puts: number[]): Promise<{ url: string; server: Server; putsSeen: () => number }> {
  let seen = 0;
  const server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/connector-plugins') {
      res.end(JSON.stringify([{ class: JDBC_SINK_CLASS }]));
    } else if (req.method === 'GET') {
      res.statusCode = 404;
      res.end(JSON.stringify({ error_code: 404, message: 'Connector orders-sink not found' }));
    } else {
      req.resume();
      const status = puts[Math.min(seen++, puts.length - 1)] as number;
      res.statusCode = status;
      res.end(
        JSON.stringify(status < 300 ? {} : { error_code: status, message: 'metadata failed 4 times.' }),
      );
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, putsSeen: () => seen };
}

describe('registerOrdersSinkPatiently', () => {
  let server: Server | undefined;
  afterEach(() => server?.close());

  it('tries again while the worker answers 5xx, then registers', async () => {
    const worker = await fakeWorker([500, 500, 201]);
    server = worker.server;
    await expect(registerOrdersSinkPatiently(worker.url, { a: '1' }, { intervalMs: 5 })).resolves.toBe(
      'created',
    );
    expect(worker.putsSeen()).toBe(3);
  });

  it('gives up at once on a 4xx, and after the deadline on 5xx', async () => {
    const refusing = await fakeWorker([400]);
    server = refusing.server;
    await expect(registerOrdersSinkPatiently(refusing.url, { a: '1' }, { intervalMs: 5 })).rejects.toThrow(
      /failed: 400/,
    );
    expect(refusing.putsSeen()).toBe(1);
    refusing.server.close();
    const failing = await fakeWorker([500]);
    server = failing.server;
    await expect(
      registerOrdersSinkPatiently(failing.url, { a: '1' }, { intervalMs: 5, deadlineMs: 100 }),
    ).rejects.toThrow(/failed: 500 .*metadata failed/);
    expect(failing.putsSeen()).toBeGreaterThan(1);
  });
});
