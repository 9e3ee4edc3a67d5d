import { connect, createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DelayProxy } from './support/delay-proxy.js';

/** An echo server behind the proxy: round trips tell what delay the proxy adds. */
describe('DelayProxy', () => {
  let echo: Server;
  let proxy: DelayProxy;

  beforeAll(async () => {
    echo = createServer((s) => s.pipe(s));
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', () => r()));
    const address = echo.address();
    if (typeof address !== 'object' || !address) throw new Error('no echo port');
    proxy = await DelayProxy.start({ host: '127.0.0.1', port: address.port });
  });

  afterAll(async () => {
    await proxy.close();
    await new Promise((r) => echo.close(r));
  });

  const roundTrip = (payloads: string[]) =>
    new Promise<{ ms: number; text: string }>((resolve, reject) => {
      const started = performance.now();
      const socket = connect({ host: '127.0.0.1', port: proxy.port });
      const expected = payloads.join('');
      let text = '';
      socket.on('data', (b: Buffer) => {
        text += b.toString('utf8');
        if (text.length >= expected.length) {
          socket.end();
          resolve({ ms: performance.now() - started, text });
        }
      });
      socket.on('error', reject);
      socket.on('connect', () => {
        for (const p of payloads) socket.write(p);
      });
    });

  it('forwards bytes in order, delayed each way while a delay is set, and at once after', async () => {
    const payloads = Array.from({ length: 50 }, (_, i) => `chunk-${i};`);
    const direct = await roundTrip(payloads);
    expect(direct.text).toBe(payloads.join(''));
    expect(direct.ms).toBeLessThan(150);

    proxy.delayMs = 150;
    const slow = await roundTrip(payloads);
    expect(slow.text).toBe(payloads.join(''));
    // Held once on the way there and once on the way back.
    expect(slow.ms).toBeGreaterThanOrEqual(290);

    proxy.delayMs = 0;
    const healed = await roundTrip(payloads);
    expect(healed.text).toBe(payloads.join(''));
    expect(healed.ms).toBeLessThan(150);
  });
});
