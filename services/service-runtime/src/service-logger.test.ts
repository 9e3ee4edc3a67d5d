import { spawn } from 'node:child_process';
import { dirname } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
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

describe('serviceLogger on stdout', () => {
  // A child process: the logger writes to fd 1, batched.
  const run = (script: string) =>
    new Promise<{ stdout: string; lineAtMs: number | undefined }>((resolve, reject) => {
      const started = Date.now();
      let lineAtMs: number | undefined;
      let stdout = '';
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
        cwd: dirname(fileURLToPath(import.meta.url)),
      });
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString('utf8');
        lineAtMs ??= Date.now() - started;
      });
      child.on('error', reject);
      child.on('exit', () => resolve({ stdout, lineAtMs }));
    });
  const logger =
    "const { serviceLogger } = await import('../dist/service-logger.js'); const log = serviceLogger('t', 't-1');";

  it('writes a line within the flush delay while the process runs on', async () => {
    const { stdout, lineAtMs } = await run(
      `${logger} const t0 = Date.now(); log.info('one'); setTimeout(() => process.stderr.write(String(Date.now() - t0)), 1500);`,
    );
    expect(JSON.parse(stdout.trim())).toMatchObject({ msg: 'one', service: 't', instance: 't-1' });
    // Seen long before the process ended (1.5 s), so not only by the flush at exit.
    expect(lineAtMs).toBeLessThan(1400);
  });

  it('keeps the last lines of a process that exits at once', async () => {
    const { stdout } = await run(
      `${logger} for (let i = 0; i < 3; i++) log.error({ i }, 'last words'); process.exit(1);`,
    );
    expect(
      stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).i),
    ).toEqual([0, 1, 2]);
  });
});
