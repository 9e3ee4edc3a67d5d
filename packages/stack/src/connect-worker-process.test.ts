import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  connectWorkerFiles,
  connectWorkerPorts,
  connectWorkerUrl,
  extraWorkersStarted,
} from './connect-worker-process.js';
import { stackPaths } from './paths.js';

describe('Connect workers of `up --workers N`', () => {
  const root = mkdtempSync(join(tmpdir(), 'workers-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('puts workers 2.. on 8085.. by default (8084 is the standalone worker), after a moved first port too', () => {
    expect(connectWorkerPorts({})).toEqual([8083, 8085, 8086, 8087]);
    expect(connectWorkerPorts({ MSA_CONNECT_PORT: '9100' })).toEqual([9100, 9102, 9103, 9104]);
    expect(connectWorkerPorts({ MSA_CONNECT_EXTRA_PORTS: '7001, 7002' })).toEqual([8083, 7001, 7002]);
    expect(connectWorkerUrl(2, { MSA_CONNECT_EXTRA_PORTS: '7001' })).toBe('http://127.0.0.1:7001');
  });

  it('refuses a bad port list and a worker without a port', () => {
    expect(() => connectWorkerPorts({ MSA_CONNECT_EXTRA_PORTS: '7001,x' })).toThrow(
      /MSA_CONNECT_EXTRA_PORTS must list TCP ports/,
    );
    expect(() => connectWorkerPorts({ MSA_CONNECT_EXTRA_PORTS: '70000' })).toThrow(/TCP ports/);
    expect(() => connectWorkerUrl(3, { MSA_CONNECT_EXTRA_PORTS: '7001' })).toThrow(
      /worker 3 has no REST port: MSA_CONNECT_EXTRA_PORTS lists 1/,
    );
  });

  it('keeps worker 1 in worker.pid / worker.log and finds the others by their pid files', () => {
    const paths = { ...stackPaths(root), data: join(root, '.data') };
    expect(connectWorkerFiles(paths).pid).toBe(join(root, '.data', 'connect', 'worker.pid'));
    expect(connectWorkerFiles(paths, 3).log).toBe(join(root, '.data', 'connect', 'worker-3.log'));
    expect(extraWorkersStarted(paths)).toEqual([]);
    mkdirSync(join(root, '.data', 'connect'), { recursive: true });
    for (const f of ['worker.pid', 'worker-3.pid', 'worker-2.pid', 'worker-2.log', 'worker-x.pid'])
      writeFileSync(join(root, '.data', 'connect', f), '1');
    expect(extraWorkersStarted(paths)).toEqual([2, 3]);
  });
});
