import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isKafkaAnswering, isPortOpen, repoRoot } from '@msa-sync/stack';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { cloneWorkingTree, runWithProgress } from './fresh-clone.js';
import { type ReadmeBlock, type ReadmeCommand, readmeBlocks } from './readme-blocks.js';
import { ShellSession, type StepResult } from './shell-session.js';

/**
 * The README, run as a newcomer would (issue 12): a fresh clone of this working tree
 * (fresh-clone.ts: HEAD plus uncommitted changes), `npm ci`, then every ```sh block in README
 * order, one command after another in one bash session, against the stack the README's
 * `npm start` brings up in that clone. Each command must exit 0 and print what the README says;
 * the checks below name the command they are for. Commands that wait for stdin, never end or must
 * not run here carry a `<!-- readme-test: … -->` directive in the README (readme-blocks.ts).
 *
 * The README hard-codes localhost:9092, :8083, :8000 and :8080, so this test needs the broker on 9092
 * (the one the test setup provides; `npm start` in the clone reuses it, and `npm stop` leaves it
 * running, since the clone did not start it) and owns 8083, 8000 and 8080 while it runs: when something
 * already listens there (a developer's own `npm start`) it fails at once and says so, rather than
 * testing the README against someone else's worker. No other test uses those ports.
 *
 * Names the README types (topic `quickstart-events`, `t`, group `g1`, connector `file-source`,
 * topic `lines`, file `/tmp/in.txt`) are made unique per run and block (`names` below), so runs
 * repeat against the same broker, whose topics and Connect config outlive the clone.
 */

const root = repoRoot();
const run = `${Date.now().toString(36)}`;
const work = mkdtempSync(join(tmpdir(), 'msa-sync-readme-'));
const clone = join(work, 'msa-sync');
const log = (line: string) =>
  process.stderr.write(`[readme-test ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

const names = (block: string): [RegExp, string][] => [
  [/\bquickstart-events\b/g, `quickstart-events-${run}-${block}`],
  [/(--topic )t\b/g, `$1t-${run}`],
  [/(--group )g1\b/g, `$1g1-${run}`],
  [/\bfile-source\b/g, `file-source-${run}`],
  [/"topic":"lines"/g, `"topic":"lines-${run}"`],
  [/\/tmp\/in\.txt/g, join(work, 'in.txt')],
];
const unique = (block: string, text: string) =>
  names(block).reduce((t, [pattern, replacement]) => t.replace(pattern, replacement), text);

/** The README leaves these unset; a variable of the test run's own must not change what it does. */
const STACK_VARIABLES =
  /^(KAFKA_BOOTSTRAP_SERVERS|DATABASE_URL|DATABASE_USER|DATABASE_PASSWORD|JWT_SECRET|JWT_TTL_SECONDS|ORDER_INSTANCES|KAFKA_GROUP_PREFIX|ORDERS_TOPIC|CATALOG_ORDERS_TOPIC|CATALOG_EVENTS_TOPIC|CATALOG_SEED|KAFKA_HOME|NODE_ENV|INIT_CWD|(MSA|FAULT|VITEST|npm|NPM)_.*|VITEST|TEST)$/;
/**
 * Kept although npm's: the node24 lane runs the system's npm, whose node-gyp would otherwise build
 * better-sqlite3 against the system Node's headers (/usr/include/node, Node 20's ABI) while the
 * clone then runs on Node 24 (scripts/test-lanes.mjs sets it to the fetched runtime's headers).
 */
const LANE_VARIABLES = new Set(['npm_config_nodedir']);
const env = Object.fromEntries(
  Object.entries(process.env).filter(
    ([key, value]) => value !== undefined && (LANE_VARIABLES.has(key) || !STACK_VARIABLES.test(key)),
  ),
) as NodeJS.ProcessEnv;

const json = (r: StepResult) => JSON.parse(r.stdout) as Record<string, unknown>;
const lines = (r: StepResult) => r.stdout.split('\n').filter((l) => l.trim());

interface Check {
  /** A part of the command as the README writes it. */
  command: string;
  check: (r: StepResult) => void;
  /** The answer may need a moment (the sink, the catalog's decision): repeat the command meanwhile. */
  retryMs?: number;
  timeoutMs?: number;
}

const checks: Record<string, Check[]> = {
  'two-commands': [
    {
      command: 'npm start',
      timeoutMs: 900_000,
      check: (r) => {
        expect(r.stdout).toContain('msa-sync is up:');
        expect(r.stdout).toMatch(/Kafka broker\s+127\.0\.0\.1:9092\s+reused/);
        expect(r.stdout).toMatch(/Connect worker\s+http:\/\/127\.0\.0\.1:8083\s+started/);
        expect(r.stdout).toMatch(/gateway\s+http:\/\/127\.0\.0\.1:8000\s+started/);
        // created: the last run deleted it (stopClone); updated: someone else's npm start left theirs.
        expect(r.stdout).toMatch(
          /JDBC sink\s+http:\/\/127\.0\.0\.1:8083\/connectors\/orders-sink\s+(created|updated)/,
        );
        expect(r.stdout).toMatch(/Console\s+http:\/\/127\.0\.0\.1:8080\s+started/);
        expect(r.stdout).toContain('Open the operator console: http://127.0.0.1:8080');
      },
    },
  ],
  cli: [
    {
      command: 'topics --create',
      check: (r) => expect(r.stdout).toContain(`Created topic quickstart-events-${run}-cli`),
    },
    { command: 'topics --list', check: (r) => expect(lines(r)).toContain(`quickstart-events-${run}-cli`) },
    {
      command: 'topics --describe',
      check: (r) => {
        expect(r.stdout).toMatch(new RegExp(`Topic: quickstart-events-${run}-cli\\s.*PartitionCount: 1`));
        expect(r.stdout).toMatch(/Partition: 0\s+Leader: \d+/);
      },
    },
    {
      command: 'topic quickstart-events --from-beginning',
      check: (r) => expect(lines(r)).toEqual(['first event', 'second event']),
    },
    { command: '--group g1', check: (r) => expect(lines(r)).toEqual(['k1\tv1']) },
    {
      command: 'msa-sync up',
      check: (r) => {
        expect(r.stdout).toMatch(/Connect worker\s+http:\/\/127\.0\.0\.1:8083\s+reused/);
        expect(r.stdout).toMatch(/gateway\s+http:\/\/127\.0\.0\.1:8000\s+reused/);
        expect(r.stdout).toMatch(/Console\s+http:\/\/127\.0\.0\.1:8080\s+reused/);
      },
    },
  ],
  'kafka-tools': [
    {
      command: 'kafka-topics.sh --create',
      timeoutMs: 600_000, // the first use fetches the Kafka jars into the clone
      check: (r) => expect(r.stdout).toContain(`Created topic quickstart-events-${run}-kafka-tools.`),
    },
    {
      command: 'kafka-console-consumer.sh',
      check: (r) => expect(lines(r)).toEqual(['first event', 'second event']),
    },
  ],
  'connect-auth': [
    {
      command: 'cat >> .data/secrets/worker.properties',
      check: () => {
        // The worker file the README builds names the extension and the JAAS file it wrote.
        const written = readFileSync(join(clone, '.data', 'secrets', 'worker.properties'), 'utf8');
        expect(written).toContain(
          'rest.extension.classes=org.apache.kafka.connect.rest.basic.auth.extension.BasicAuthSecurityRestExtension',
        );
        expect(written).toContain(
          `java.security.auth.login.config=${join(clone, '.data', 'secrets', 'connect_jaas.conf')}`,
        );
        expect(readFileSync(join(clone, '.data', 'secrets', 'connect_jaas.conf'), 'utf8')).toContain(
          `PropertyFileLoginModule required\n  file="${join(clone, '.data', 'secrets', 'connect-credentials.properties')}";`,
        );
      },
    },
  ],
  connect: [
    {
      command: 'curl -X POST',
      check: (r) => {
        const body = json(r);
        expect(body.name).toBe(`file-source-${run}`);
        expect(body.config).toMatchObject({ 'connector.class': 'FileStreamSource', topic: `lines-${run}` });
        expect(body).toHaveProperty('tasks');
      },
    },
    {
      command: 'curl http://localhost:8083/connectors | jq',
      check: (r) =>
        expect(JSON.parse(r.stdout)).toEqual(expect.arrayContaining([`file-source-${run}`, 'orders-sink'])),
    },
    {
      command: 'file-source/status',
      retryMs: 60_000,
      check: (r) => {
        const body = json(r);
        expect(body).toMatchObject({
          name: `file-source-${run}`,
          type: 'source',
          connector: { state: 'RUNNING' },
        });
        expect(body.tasks).toEqual([expect.objectContaining({ id: 0, state: 'RUNNING' })]);
      },
    },
    { command: 'file-source/pause', check: (r) => expect(r.stdout).toBe('') },
    {
      command: 'file-source/offsets',
      check: (r) => expect(Array.isArray(json(r).offsets)).toBe(true),
    },
  ],
  'shop-walk-through': [
    {
      command: 'POST $G/user-service/users',
      check: (r) => {
        const body = json(r);
        expect(body).toMatchObject({ email: 'kim@example.com', name: 'Kim' });
        expect(Object.keys(body).sort()).toEqual(['createdAt', 'email', 'name', 'userId']);
      },
    },
    {
      command: "jq -c '.[0]'",
      check: (r) =>
        expect(json(r)).toMatchObject({
          productId: 'CATALOG-001',
          productName: 'Berlin',
          unitPrice: 1500,
          stock: 100,
        }),
    },
    {
      command: 'for i in 1 2 3 4',
      check: (r) => {
        const instances = lines(r).filter((l) => /^x-instance-id:/i.test(l));
        const bodies = lines(r).filter((l) => l.includes('orderId'));
        expect(instances).toHaveLength(4);
        expect(new Set(instances.map((l) => l.split(':')[1]?.trim()))).toEqual(
          new Set(['order-service-1', 'order-service-2']),
        );
        expect(bodies).toHaveLength(4);
        for (const body of bodies) expect(JSON.parse(body)).toMatchObject({ qty: 30, totalPrice: 45000 });
      },
    },
    {
      command: '.orderId[0:8]',
      // The README waits a second before this list; a reader who still sees PENDING seconds later
      // sees a README that is wrong, so the test allows a loaded machine only a few more.
      retryMs: 5_000,
      check: (r) => {
        const statuses = lines(r).map((l) => (JSON.parse(l) as [string, string])[1]);
        expect(statuses).toHaveLength(4);
        expect(statuses.filter((s) => s === 'ACCEPTED')).toHaveLength(3);
        expect(statuses.filter((s) => s === 'REJECTED')).toHaveLength(1);
      },
    },
    { command: ".orders | length'", retryMs: 30_000, check: (r) => expect(r.stdout.trim()).toBe('4') },
    { command: ".[0].stock'", retryMs: 30_000, check: (r) => expect(r.stdout.trim()).toBe('10') },
    {
      command: '$G/registry/instances',
      check: (r) => {
        const ids = lines(r).map((l) => (JSON.parse(l) as [string, string])[0]);
        expect(ids).toEqual(expect.arrayContaining(['order-service-1', 'order-service-2']));
        expect(ids.some((id) => id.startsWith('user-service'))).toBe(true);
        expect(ids.some((id) => id.startsWith('catalog-service'))).toBe(true);
      },
    },
  ],
  'load-verify': [
    {
      command: 'msa-sync load',
      timeoutMs: 300_000,
      check: (r) => {
        expect(r.stdout).toMatch(/latency of 201s: p50 \d+/);
        expect(r.stdout).toMatch(/acked file: \.data\/load\/acked-\S+\.jsonl/);
      },
    },
    {
      command: 'msa-sync verify',
      timeoutMs: 180_000,
      check: (r) => {
        expect(r.stdout).toMatch(/ 0 lost, 0 duplicated/);
        expect(lines(r).at(-1)).toBe('OK');
      },
    },
  ],
  faults: [],
};

const blocks = readmeBlocks(readFileSync(join(root, 'README.md'), 'utf8'));
let shell: ShellSession | undefined;
let started = false;

function describeStep(command: ReadmeCommand, text: string, r: StepResult): string {
  return `README.md:${command.line}: ${text}\nexit ${r.code} after ${Math.round(r.ms)} ms\n--- stdout\n${r.stdout.slice(-3000)}\n--- stderr\n${r.stderr.slice(-3000)}`;
}

async function runCommand(block: ReadmeBlock, command: ReadmeCommand): Promise<void> {
  const { treatment } = command;
  if (treatment.kind === 'skip') {
    log(`README.md:${command.line} not run (${treatment.reason}): ${command.text.split('\n')[0]}`);
    return;
  }
  const session = shell as ShellSession;
  const text = unique(block.id, command.text);
  const mine = checks[block.id]?.filter((c) => command.text.includes(c.command)) ?? [];
  const timeoutMs = Math.max(120_000, ...mine.map((c) => c.timeoutMs ?? 0));
  const retryMs = Math.max(0, ...mine.map((c) => c.retryMs ?? 0));
  log(`README.md:${command.line} $ ${text.split('\n')[0]}${text.includes('\n') ? ' …' : ''}`);
  const deadline = performance.now() + retryMs;
  for (;;) {
    let result: StepResult;
    if (treatment.kind === 'until') {
      const r = await session.runUntil(text, treatment.text, 120_000);
      // Stopped with SIGTERM as a reader stops it with Ctrl-C: its exit code is the signal's.
      expect(r.seen, `never printed '${treatment.text}'\n${describeStep(command, text, r)}`).toBe(true);
      result = r;
    } else {
      result = await session.run(text, {
        input: treatment.kind === 'stdin' ? treatment.input : '',
        timeoutMs,
      });
      expect(result.code, describeStep(command, text, result)).toBe(0);
    }
    try {
      for (const c of mine) c.check(result);
      log(`  ok in ${Math.round(result.ms)} ms`);
      return;
    } catch (error) {
      if (performance.now() > deadline) {
        throw new Error(`${(error as Error).message}\n${describeStep(command, text, result)}`);
      }
      await sleep(1000);
    }
  }
}

/** Ends what the clone's npm start started; the broker it reused keeps running. */
async function stopClone(): Promise<void> {
  // Connectors live in the broker's connect-configs, which outlives the clone. orders-sink now
  // names the clone's SQLite file: the next worker of this group would start it with that path
  // (recreating the deleted folder) before its own npm start registers its own.
  const remove = (name: string) =>
    fetch(`http://127.0.0.1:8083/connectors/${name}`, { method: 'DELETE' }).then(
      (r) => r.status,
      (error: Error) => error.message,
    );
  const deleted = [await remove(`file-source-${run}`), await remove('orders-sink')];
  const stop = await runWithProgress('npm', ['stop', '--silent'], { cwd: clone, env, progress: log });
  // 404: the block failed before it created the connector.
  expect([204, 404]).toContain(deleted[0]);
  expect(deleted[1]).toBe(204);
  expect(stop).toContain('Kafka broker: not running (nothing started by msa-sync)');
  expect(await isKafkaAnswering('127.0.0.1:9092', 5000)).toBe(true);
  expect(await isPortOpen('127.0.0.1', 8083)).toBe(false);
  expect(await isPortOpen('127.0.0.1', 8000)).toBe(false);
  expect(await isPortOpen('127.0.0.1', 8080)).toBe(false);
}

describe('README commands on a fresh clone', () => {
  beforeAll(async () => {
    const bootstrap = inject('kafkaBootstrap');
    if (!['127.0.0.1:9092', 'localhost:9092'].includes(bootstrap)) {
      throw new Error(
        `The README's commands name localhost:9092, but this test run's broker is ${bootstrap}: run the README test against a broker on 9092.`,
      );
    }
    expect(await isKafkaAnswering('127.0.0.1:9092', 5000)).toBe(true);
    for (const [port, what] of [
      [8083, 'a Connect worker'],
      [8000, 'a gateway'],
      [8080, 'an operator console'],
    ] as const) {
      if (await isPortOpen('127.0.0.1', port)) {
        throw new Error(
          `Port ${port} is taken (${what} of your own \`npm start\`?). The README test runs the README's commands, which name :8083, :8000 and :8080, against a stack of its own: run \`npm stop\` there first.`,
        );
      }
    }
    log(`fresh clone in ${clone}: ${cloneWorkingTree(root, clone)}`);
    writeFileSync(join(work, 'in.txt'), 'a line for the FileStreamSource\n');
    const install = performance.now();
    // --prefer-offline: the packages are in npm's cache after this machine's own install.
    await runWithProgress('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund'], {
      cwd: clone,
      env,
      progress: (line) => log(`npm ci: ${line}`),
    });
    log(`npm ci took ${Math.round((performance.now() - install) / 1000)} s`);
    shell = new ShellSession(clone, env, join(work, 'steps'));
  }, 900_000);

  afterAll(async () => {
    shell?.close();
    try {
      if (started) await stopClone();
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }, 180_000);

  it('links the workspaces’ bins at install time, before anything is compiled', () => {
    expect(existsSync(join(clone, 'packages', 'cli', 'dist'))).toBe(false);
    for (const bin of ['msa-sync', 'msa-sync-connect']) {
      expect(existsSync(join(clone, 'node_modules', '.bin', bin)), bin).toBe(true);
    }
  });

  it('says what to run when the bins are used before anything is compiled', async () => {
    const r = await (shell as ShellSession).run('npx msa-sync topics --list');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('run `npm start` or `npm run build`');
  });

  for (const block of blocks) {
    it(`runs the README's '${block.id}' block (README.md:${block.line})`, async () => {
      for (const command of block.commands) {
        // From here on the clone may run a worker and services that npm stop must end.
        if (command.text.startsWith('npm start')) started = true;
        await runCommand(block, command);
      }
    }, 1_800_000);
  }

  it('runs msa-sync-connect from the clone once compiled', async () => {
    const r = await (shell as ShellSession).run('npx msa-sync-connect --help');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('Usage: msa-sync-connect <connect-distributed.properties>');
  });

  it('has checks only for commands the README has, and every name it makes unique is in the README', () => {
    for (const [id, list] of Object.entries(checks)) {
      const block = blocks.find((b) => b.id === id);
      expect(block, `README has no block '${id}'`).toBeDefined();
      for (const c of list) {
        expect(
          block?.commands.filter((command) => command.text.includes(c.command)),
          `'${c.command}' in block '${id}'`,
        ).toHaveLength(1);
      }
    }
    expect(blocks.map((b) => b.id).filter((id) => !(id in checks))).toEqual([]);
    const all = blocks.flatMap((b) => b.commands.map((c) => c.text)).join('\n');
    for (const [pattern] of names('x')) expect(all, String(pattern)).toMatch(new RegExp(pattern.source));
  });
});
