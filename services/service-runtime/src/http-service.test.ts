import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
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
});
