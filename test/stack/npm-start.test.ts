import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isPortOpen } from '@msa-sync/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/connect-worker.js';
import { root, runProcess } from '../support/run-process.js';

/**
 * A second, private stack on free ports and its own data dir, so this test owns what it starts
 * and stops, and two runs of it (or a developer's `npm start`) never collide.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'msa-sync-start-'));
const ports = { kafka: 0, controller: 0, connect: 0, connect2: 0, gateway: 0, console: 0 };
let env: NodeJS.ProcessEnv = {};

function processes(pattern: string): number {
  try {
    return execFileSync('pgrep', ['-f', pattern], { encoding: 'utf8' }).trim().split('\n').length;
  } catch {
    return 0;
  }
}
// Anchored on the command itself: each runs under a keeper whose own command line names it too.
const brokerProcesses = () => processes(`^java .*kafka.Kafka ${dataDir}`);
const workerProcesses = () => processes(`^\\S*node \\S*connect-main.js ${dataDir}`);
const workerPid = () =>
  Number(
    execFileSync('pgrep', ['-f', `^\\S*node \\S*connect-main.js ${dataDir}`], { encoding: 'utf8' }).trim(),
  );

const npm = (script: string, more: NodeJS.ProcessEnv = {}) =>
  runProcess('npm', [script, '--silent'], { env: { ...env, ...more }, timeoutMs: 180_000 });

describe('npm start / npm stop', () => {
  beforeAll(async () => {
    for (const key of Object.keys(ports) as (keyof typeof ports)[]) ports[key] = await freePort();
    env = {
      ...process.env,
      MSA_SYNC_DATA_DIR: dataDir,
      MSA_KAFKA_PORT: String(ports.kafka),
      MSA_KAFKA_CONTROLLER_PORT: String(ports.controller),
      MSA_CONNECT_PORT: String(ports.connect),
      MSA_CONNECT_EXTRA_PORTS: String(ports.connect2),
      MSA_GATEWAY_PORT: String(ports.gateway),
      MSA_CONSOLE_PORT: String(ports.console),
      KAFKA_BOOTSTRAP_SERVERS: undefined,
    };
  });
  afterAll(async () => {
    await npm('stop');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts one broker and one Connect worker, reuses them on a second start, adds a second worker to the group, and stops them', async () => {
    const first = await npm('start');
    expect(first.stderr).not.toMatch(/error/i);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(
      new RegExp(`Kafka broker\\s+127\\.0\\.0\\.1:${ports.kafka}\\s+started \\(pid \\d+\\)`),
    );
    expect(await isPortOpen('127.0.0.1', ports.kafka)).toBe(true);
    expect(brokerProcesses()).toBe(1);
    expect(first.stdout).toMatch(
      new RegExp(`Connect worker\\s+http://127\\.0\\.0\\.1:${ports.connect}\\s+started`),
    );
    expect(workerProcesses()).toBe(1);
    const connectors = await fetch(`http://127.0.0.1:${ports.connect}/connectors`);
    // The orders sink is registered by npm start once the JDBC sink plugin exists.
    expect(await connectors.json()).toEqual(['orders-sink']);
    // The operator console, with its URL, showing the same worker.
    expect(first.stdout).toMatch(new RegExp(`Console\\s+http://127\\.0\\.0\\.1:${ports.console}\\s+started`));
    expect(first.stdout).toContain(`Open the operator console: http://127.0.0.1:${ports.console}`);
    const overview = (await (await fetch(`http://127.0.0.1:${ports.console}/api/overview`)).json()) as {
      connectors: { name: string }[];
    };
    expect(overview.connectors.map((c) => c.name)).toEqual(['orders-sink']);

    // What npm start started stays up: a worker killed with SIGKILL is started again by its
    // keeper, and `msa-sync status` tells.
    const killed = workerPid();
    process.kill(killed, 'SIGKILL');
    const deadline = Date.now() + 60_000;
    let back = false;
    while (!back && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      back = await fetch(`http://127.0.0.1:${ports.connect}/connectors`)
        .then((r) => r.ok)
        .catch(() => false);
    }
    expect(back).toBe(true);
    expect(workerProcesses()).toBe(1);
    expect(workerPid()).not.toBe(killed);
    const status = await runProcess(
      process.execPath,
      [join(root, 'packages', 'cli', 'dist', 'main.js'), 'status'],
      {
        env,
        timeoutMs: 60_000,
      },
    );
    expect(status.stdout).toMatch(
      new RegExp(
        `^Connect worker\\s+http://127\\.0\\.0\\.1:${ports.connect}\\s+${workerPid()}\\s+running\\s+\\S+(?: \\S+)?\\s+1\\s+ok\\s+last exit: SIGKILL`,
        'm',
      ),
    );
    expect(status.stdout).toMatch(
      new RegExp(
        `^Kafka broker\\s+127\\.0\\.0\\.1:${ports.kafka}\\s+\\d+\\s+running\\s+\\S+(?: \\S+)?\\s+0\\s+ok`,
        'm',
      ),
    );
    expect(status.stdout).toMatch(/^gateway\s+\S+\s+\d+\s+running\s+\S+(?: \S+)?\s+0\s+ok/m);
    expect(status.stdout).toMatch(/^console\s+\S+\s+\d+\s+running\s+\S+(?: \S+)?\s+0\s+ok/m);
    expect(status.code, status.stdout + status.stderr).toBe(0);

    const second = await npm('start');
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(new RegExp(`Kafka broker\\s+127\\.0\\.0\\.1:${ports.kafka}\\s+reused`));
    expect(second.stdout).toMatch(
      new RegExp(`Connect worker\\s+http://127\\.0\\.0\\.1:${ports.connect}\\s+reused`),
    );
    expect(brokerProcesses()).toBe(1);
    expect(workerProcesses()).toBe(1);

    // A second worker in the same group: it sees the connectors the first has, and the sink's
    // task runs on one of the two.
    const third = await npm('start', { MSA_CONNECT_WORKERS: '2' });
    expect(third.code, third.stderr).toBe(0);
    expect(third.stdout).toMatch(
      new RegExp(`Connect worker\\s+http://127\\.0\\.0\\.1:${ports.connect}\\s+reused`),
    );
    expect(third.stdout).toMatch(
      new RegExp(
        `Connect worker 2\\s+http://127\\.0\\.0\\.1:${ports.connect2}\\s+started \\(pid \\d+\\), .*same group`,
      ),
    );
    expect(workerProcesses()).toBe(2);
    const second2 = `http://127.0.0.1:${ports.connect2}`;
    expect(await (await fetch(`${second2}/connectors`)).json()).toEqual(['orders-sink']);
    let taskWorker = '';
    const taskDeadline = Date.now() + 60_000;
    while (!taskWorker && Date.now() < taskDeadline) {
      const sinkStatus = (await (await fetch(`${second2}/connectors/orders-sink/status`)).json()) as {
        tasks: { state: string; worker_id: string }[];
      };
      if (sinkStatus.tasks[0]?.state === 'RUNNING') taskWorker = sinkStatus.tasks[0].worker_id;
      else await new Promise((r) => setTimeout(r, 500));
    }
    expect([`127.0.0.1:${ports.connect}`, `127.0.0.1:${ports.connect2}`]).toContain(taskWorker);
    const statusOfTwo = await runProcess(
      process.execPath,
      [join(root, 'packages', 'cli', 'dist', 'main.js'), 'status'],
      {
        env,
        timeoutMs: 60_000,
      },
    );
    expect(statusOfTwo.stdout).toMatch(
      new RegExp(
        `^Connect worker 2\\s+http://127\\.0\\.0\\.1:${ports.connect2}\\s+\\d+\\s+running\\s+\\S+(?: \\S+)?\\s+0\\s+ok`,
        'm',
      ),
    );

    const stop = await npm('stop');
    expect(stop.code, stop.stdout + stop.stderr).toBe(0);
    expect(stop.stdout).toContain('Connect worker 2: stopped');
    expect(stop.stdout).toContain('Connect worker: stopped');
    expect(stop.stdout).toContain('console: stopped');
    expect(stop.stdout).toContain('Kafka broker: stopped');
    expect(workerProcesses()).toBe(0);
    expect(await isPortOpen('127.0.0.1', ports.kafka)).toBe(false);
    expect(brokerProcesses()).toBe(0);
    // Keepers are gone too.
    expect(processes(`keeper.sh .* ${dataDir}`)).toBe(0);
    const down = await runProcess(
      process.execPath,
      [join(root, 'packages', 'cli', 'dist', 'main.js'), 'status'],
      {
        env,
      },
    );
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/not running and healthy: Kafka broker, Connect worker, gateway/);

    const stopAgain = await npm('stop');
    expect(stopAgain.stdout).toContain('not running');
  }, 300_000);

  it('uses an existing cluster named by KAFKA_BOOTSTRAP_SERVERS without provisioning', async () => {
    const run = await runProcess('npm', ['start', '--silent'], {
      env: { ...env, KAFKA_BOOTSTRAP_SERVERS: '127.0.0.1:1' },
      timeoutMs: 120_000,
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Cannot reach Kafka at 127.0.0.1:1');
    expect(brokerProcesses()).toBe(0);
  });
});
