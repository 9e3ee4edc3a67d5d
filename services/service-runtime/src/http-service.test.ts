import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createHttpService } from './http-service.js';
import { ServiceMetrics } from './service-metrics.js';

describe('createHttpService', () => {
  it('answers a body too large with its JSON 413 after reading it, so a slow sender sees no broken pipe', async () => {
    const app = createHttpService({
      service: 'test',
      instanceId: 'test-1',
      logger: pino({ level: 'silent' }),
      metrics: new ServiceMetrics('test'),
      bodyLimit: 1000,
    });
    app.post('/orders', async () => ({ ok: true }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const { port } = app.server.address() as AddressInfo;
      const chunks = 8;
      const chunk = 'z'.repeat(40_000);
      const socket = connect(port, '127.0.0.1');
      let answer = '';
      let chunksBeforeAnswer = -1;
      let sent = 0;
      socket.on('data', (b: Buffer) => {
        if (!answer) chunksBeforeAnswer = sent;
        answer += b.toString('utf8');
      });
      const ended = new Promise<string>((resolve) => {
        socket.on('error', (e) => resolve(e.message));
        socket.on('close', () => resolve('closed'));
      });
      socket.write(
        `POST /orders HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: ${chunks * chunk.length}\r\n\r\n`,
      );
      for (; sent < chunks; ) {
        if (socket.writable) socket.write(chunk);
        sent++;
        await new Promise((r) => setTimeout(r, 25));
      }
      expect(await ended).toBe('closed');
      expect(chunksBeforeAnswer).toBe(chunks);
      expect(answer).toMatch(/^HTTP\/1.1 413 /);
      expect(answer).toContain('"error":"PAYLOAD_TOO_LARGE"');
    } finally {
      await app.close();
    }
  });

  it('writes one line per request, with what the route added to it', async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line));
        done();
      },
    });
    const app = createHttpService({
      service: 'test',
      instanceId: 'test-1',
      logger: pino({ level: 'info' }, sink),
      metrics: new ServiceMetrics('test'),
    });
    app.post('/orders', async (request, reply) => {
      request.logDetail = { orderId: 'o-1' };
      return reply.code(201).send({ ok: true });
    });
    app.get('/orders', async () => []);
    try {
      const placed = await app.inject({
        method: 'POST',
        url: '/orders',
        headers: { 'x-request-id': 'r-1' },
        payload: {},
      });
      expect(placed.statusCode).toBe(201);
      await app.inject({ method: 'GET', url: '/orders', headers: { 'x-request-id': 'r-2' } });
      expect(lines.map((l) => [l.requestId, l.msg, l.status, l.orderId])).toEqual([
        ['r-1', 'request', 201, 'o-1'],
        // Not carried over to the next request.
        ['r-2', 'request', 200, undefined],
      ]);
    } finally {
      await app.close();
    }
  });
});
