import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root, tail } from '../support/run-process.js';

/** One service process of a test's shop: its URL once it listens, its log, and how to stop it. */
export interface ServiceProcess {
  name: string;
  instanceId: string;
  url: string;
  child: ChildProcess;
  logFile: string;
  exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

const logDir = mkdtempSync(join(tmpdir(), 'msa-shop-'));

/**
 * Starts `services/<workspace>/dist/main.js` with `env` (a key set to undefined is removed) and
 * waits for its `listening` line, which carries the URL it serves on.
 */
export async function startService(
  workspace: string,
  name: string,
  env: Record<string, string | undefined>,
  timeoutMs = 60_000,
): Promise<ServiceProcess> {
  const instanceId = env.INSTANCE_ID ?? `${name}-${randomBytes(3).toString('hex')}`;
  const childEnv = Object.fromEntries(
    Object.entries({ ...process.env, ...env, INSTANCE_ID: instanceId }).filter(([, v]) => v !== undefined),
  ) as NodeJS.ProcessEnv;
  const logFile = join(logDir, `${instanceId}.log`);
  // The child writes its log straight into the file: piped through this process, every log line
  // cost a read and a write here, which the e2e bench counted as load-generator CPU.
  const fd = openSync(logFile, 'a');
  // Node options for every service (bench/e2e --cpu-prof sets them): NODE_OPTIONS refuses --cpu-prof.
  const nodeArgs = (process.env.MSA_SERVICE_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, join(root, 'services', workspace, 'dist', 'main.js')], {
    cwd: root,
    env: childEnv,
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    let offset = 0;
    let pending = '';
    let done = false;
    const finish = () => {
      done = true;
      clearTimeout(timer);
      clearInterval(poll);
    };
    const timer = setTimeout(() => {
      finish();
      reject(new Error(`${name} did not listen within ${timeoutMs} ms; log ${logFile}`));
    }, timeoutMs);
    // Reads what the child wrote since the last look, for its `listening` line.
    const poll = setInterval(() => {
      if (done) return;
      const text = readFrom(logFile, offset);
      offset += text.length;
      pending += text.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.includes('"msg":"listening"')) continue;
        finish();
        resolve((JSON.parse(line) as { url: string }).url);
        return;
      }
    }, 20);
    void exited.then((code) => {
      if (done) return;
      finish();
      reject(new Error(`${name} exited with ${code} before listening:\n${tail(logFile)}`));
    });
  });
  return {
    name,
    instanceId,
    url,
    child,
    logFile,
    exited,
    kill: async (signal = 'SIGTERM') => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      await exited;
    },
  };
}

/** The bytes of `file` from `offset` on (nothing when it cannot be read). */
function readFrom(file: string, offset: number): Buffer {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const chunks: Buffer[] = [];
    for (let at = offset; ; ) {
      const chunk = Buffer.alloc(64 * 1024);
      const n = readSync(fd, chunk, 0, chunk.length, at);
      if (n <= 0) break;
      chunks.push(chunk.subarray(0, n));
      at += n;
    }
    return Buffer.concat(chunks);
  } catch {
    return Buffer.alloc(0);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export interface Reply<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

/** One HTTP call with a JSON body and answer. */
// biome-ignore lint/suspicious/noExplicitAny: test bodies are read field by field
export async function call<T = any>(
  method: string,
  url: string,
  options: {
    token?: string;
    body?: unknown;
    requestId?: string;
    rawBody?: string;
    contentType?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<Reply<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.requestId) headers['x-request-id'] = options.requestId;
  const payload = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  if (payload !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
  const response = await fetch(url, {
    method,
    headers,
    ...(payload === undefined ? {} : { body: payload }),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON
  }
  return { status: response.status, body: body as T, headers: response.headers };
}
