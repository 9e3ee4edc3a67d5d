import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));

describe('runServiceProcess', () => {
  it('logs an exception thrown from a callback and keeps the service running', () => {
    // A child process: the handlers are process-wide. It imports the compiled module, as the
    // services' mains do.
    const script = `
      import pino from 'pino';
      import { runServiceProcess } from ${JSON.stringify(join(here, '..', 'dist', 'service-process.js'))};
      await runServiceProcess(pino(), async () => ({ url: 'http://127.0.0.1:1', close: async () => {} }));
      setTimeout(() => { throw new Error('thrown from a socket callback'); }, 10);
      setTimeout(() => { console.log('STILL-SERVING'); process.exit(0); }, 200);
    `;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: join(here, '..'),
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(child.status).toBe(0);
    expect(child.stdout).toContain('uncaught exception; the service keeps running');
    expect(child.stdout).toContain('thrown from a socket callback');
    expect(child.stdout).toContain('STILL-SERVING');
  });
});
