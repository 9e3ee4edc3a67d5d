import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { serviceLogger } from './service-logger.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, logger: serviceLogger('test', 'test-1', 'info', sink) };
}

describe('serviceLogger', () => {
  it('hides secrets at the top, one level down and in the authorization header', () => {
    const { lines, logger } = capture();
    const user = { email: 'a@b.c', password: 'p1' };
    logger.info(
      {
        password: 'p0',
        token: 't0',
        user,
        db: { pwd: 'p2', host: 'h' },
        headers: { authorization: 'Bearer x' },
      },
      'secrets',
    );
    expect(lines[0]).toMatchObject({
      password: '[hidden]',
      token: '[hidden]',
      user: { email: 'a@b.c', password: '[hidden]' },
      db: { pwd: '[hidden]', host: 'h' },
      headers: { authorization: '[hidden]' },
      msg: 'secrets',
    });
    // The caller's object is left as it was.
    expect(user.password).toBe('p1');
  });

  it('hides top-level secrets in child bindings too, and keeps an error an error', () => {
    const { lines, logger } = capture();
    const err = Object.assign(new Error('boom'), { password: 'p3' });
    logger.child({ requestId: 'r-1', token: 't4' }).warn({ err }, 'failed');
    expect(lines[0]).toMatchObject({
      requestId: 'r-1',
      token: '[hidden]',
      err: { type: 'Error', message: 'boom', password: '[hidden]' },
    });
    expect(String((lines[0]?.err as { stack?: string } | undefined)?.stack)).toContain('boom');
    expect(err.password).toBe('p3');
  });

  it('passes plain lines through unchanged', () => {
    const { lines, logger } = capture();
    logger
      .child({ requestId: 'r-2' })
      .info({ method: 'POST', url: '/u/orders', status: 201, ms: 1.5 }, 'request');
    expect(lines[0]).toMatchObject({
      service: 'test',
      instance: 'test-1',
      requestId: 'r-2',
      method: 'POST',
      url: '/u/orders',
      status: 201,
      ms: 1.5,
      msg: 'request',
    });
  });
});
