/**
 * End to end: orders through the gateway, order-service, Kafka, the Connect worker's JDBC sink
 * and MariaDB, with two order-service instances against one (the baseline) in the same run.
 *
 *   npx tsx bench/e2e/run.ts [--seconds 20] [--concurrency 64] [--rate 0] [--users 20] [--instances 1,2] [--no-append]
 *     [--cpu-prof DIR]
 *
 * For each shape (1 order instance, then 2): a fresh MariaDB database on the shared server, a
 * shop of its own (gateway, user, catalog, N order instances) on the shared broker, a Connect
 * worker with the orders sink, then `runLoad` at --rate (0 = as fast as --concurrency allows)
 * for --seconds, watching for each acknowledged order's row. Prints orders/s, POST latency,
 * time to row visible, CPU seconds per process kind, and the ratio 2 instances / 1 instance;
 * `verifyOrders` checks that nothing was lost or duplicated. Appends the table to bench/RESULTS.md.
 * Also prints CPU ms per acknowledged order by process kind (cores busy / orders per second):
 * at a fixed --rate, the figure to compare between two builds or settings. `--instances 1` runs
 * only the 1-instance shape (for A/B runs of one shape). --cpu-prof writes a `node --cpu-prof`
 * profile of each shop service into DIR (named by pid; each service's log names its pid).
 */
import { appendFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type LoadSummary, runLoad, verifyOrders } from '@msa-sync/cli/load';
import { brokerFiles, ordersSinkConfig, readPid, registerOrdersSink, stackPaths } from '@msa-sync/stack';
import { TestShop } from '../../test/services/test-shop.js';
import {
  clusterSettings,
  eventually,
  rest,
  startWorker,
  type WorkerProcess,
} from '../../test/support/connect-worker.js';
import { createTestDatabase } from '../../test/support/databases.js';
import { cpuSeconds, listenerPid, machineBusySeconds } from '../proc-stats.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BOOTSTRAP = (process.env.KAFKA_BOOTSTRAP_SERVERS ?? '127.0.0.1:9092').split(',')[0] ?? '127.0.0.1:9092';
const PRODUCTS = [
  { productId: 'E2E-001', productName: 'Porto', stock: 1_000_000_000, unitPrice: 1100 },
  { productId: 'E2E-002', productName: 'Kyoto', stock: 1_000_000_000, unitPrice: 800 },
];

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '20' },
    concurrency: { type: 'string', default: '64' },
    rate: { type: 'string', default: '0' },
    users: { type: 'string', default: '20' },
    instances: { type: 'string', default: '1,2' },
    'no-append': { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
  },
});
const SECONDS = Number(args.seconds);
const CONCURRENCY = Number(args.concurrency);
const RATE = Number(args.rate);
const USERS = Number(args.users);
const INSTANCES = args.instances.split(',').map(Number);
if (INSTANCES.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`--instances: ${args.instances}`);
if (args['cpu-prof']) process.env.MSA_SERVICE_NODE_ARGS = `--cpu-prof --cpu-prof-dir=${args['cpu-prof']}`;

interface Shape {
  label: string;
  orderInstances: number;
  summary: LoadSummary;
  lost: number;
  duplicated: number;
  /** Cores busy during the load (CPU seconds per second), by process kind. */
  cpu: Record<string, number>;
}

const log = (line: string) => process.stderr.write(`[e2e] ${line}\n`);

async function measure(orderInstances: number): Promise<Shape> {
  const label = `${orderInstances} order instance${orderInstances === 1 ? '' : 's'}`;
  log(`${label}: starting a shop, a worker and the sink`);
  const db = await createTestDatabase('mariadb', 'e2e');
  let shop: TestShop | undefined;
  let worker: WorkerProcess | undefined;
  try {
    [shop, worker] = await Promise.all([
      TestShop.start({ bootstrap: BOOTSTRAP, database: db, orderInstances, products: PRODUCTS }),
      startWorker(clusterSettings(BOOTSTRAP, `e2e-${Date.now().toString(36)}-${orderInstances}`)),
    ]);
    const sink = `${shop.id}-orders-sink`;
    await registerOrdersSink(
      worker.url,
      ordersSinkConfig(db.url, { topic: shop.topics.orders, user: db.user }),
      sink,
    );
    await eventually(
      'the orders sink task to run',
      async () => {
        const status = (await rest(worker?.url ?? '', 'GET', `/connectors/${sink}/status`)).body as {
          tasks?: { state: string }[];
        };
        return status.tasks?.[0]?.state === 'RUNNING';
      },
      90_000,
    );
    // The sink creates `orders` with its first record: one order warms the whole path up.
    const warm = await shop.newUser('warmup');
    await fetch(`${shop.url}/order-service/${warm.userId}/orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${warm.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ productId: PRODUCTS[0]?.productId, qty: 1, unitPrice: PRODUCTS[0]?.unitPrice }),
    });
    const client = await db.connect();
    await eventually('the warm-up order in the orders table', async () => {
      const rows = await client.query('SELECT order_id FROM orders').catch(() => []);
      return rows.length > 0;
    });
    await client.close();

    const processes: Record<string, number[]> = {
      gateway: [shop.gateway.child.pid ?? 0],
      'order-service': shop.orders.map((o) => o.child.pid ?? 0),
      'user-service': [shop.user.child.pid ?? 0],
      'catalog-service': [shop.catalog?.child.pid ?? 0],
      'connect worker': [worker.child.pid ?? 0],
      // The JVM listening on the bootstrap port: the pid file names its keeper (a shell that
      // spends no CPU), so it is only the fallback.
      'kafka broker': [
        listenerPid(Number(BOOTSTRAP.split(':').at(-1))) ?? readPid(brokerFiles(stackPaths(root)).pid) ?? 0,
      ],
      mariadb: [listenerPid(3306) ?? 0],
    };
    const cpuOf = (): Record<string, number> => ({
      ...Object.fromEntries(
        Object.entries(processes).map(([k, pids]) => [k, pids.reduce((s, p) => s + cpuSeconds(p), 0)]),
      ),
      'whole machine': machineBusySeconds(),
    });
    // CPU is counted over the ordering phase only: from the first progress tick of the load
    // (users signed up) to the first tick after it (the visibility grace would dilute the shares).
    let window: { at: number; cpu: Record<string, number>; load: NodeJS.CpuUsage } | undefined;
    let closed: typeof window;
    const snapshot = () => ({ at: performance.now(), cpu: cpuOf(), load: process.cpuUsage() });
    const ackedFile = join(mkdtempSync(join(tmpdir(), 'msa-e2e-')), '{runId}.jsonl');
    let lastLog = 0;
    const summary = await runLoad(
      {
        gatewayUrl: shop.url,
        ratePerSecond: RATE,
        durationMs: SECONDS * 1000,
        concurrency: CONCURRENCY,
        users: USERS,
        products: PRODUCTS.length,
        ackedFile,
        databaseUrl: `${db.url}?user=${db.user}`,
        visibilityGraceMs: 120_000,
      },
      (p) => {
        if (p.phase === 'load' && !window) window = snapshot();
        if (p.phase === 'visibility' && !closed) closed = snapshot();
        if (p.elapsedMs - lastLog < 5000 && p.phase === 'load') return;
        lastLog = p.elapsedMs;
        log(
          `${label}: ${p.phase} ${Math.round(p.elapsedMs / 1000)} s, ${p.acked} acked, ${p.errors} errors, ` +
            `${p.currentRate}/s${p.notYetVisible === undefined ? '' : `, ${p.notYetVisible} not yet visible`}`,
        );
      },
    );
    const end = closed ?? snapshot();
    const start = window ?? end;
    const windowSeconds = Math.max((end.at - start.at) / 1000, 0.001);
    const cpu = Object.fromEntries(
      Object.entries(end.cpu).map(([k, v]) => [k, (v - (start.cpu[k] ?? 0)) / windowSeconds]),
    );
    cpu['load generator'] =
      (end.load.user - start.load.user + end.load.system - start.load.system) / 1e6 / windowSeconds;
    // What the shop's own processes used, unlike 'whole machine' blind to anything else running.
    cpu['all listed'] = Object.entries(cpu).reduce(
      (sum, [k, v]) => (k === 'whole machine' ? sum : sum + v),
      0,
    );
    const report = await verifyOrders({
      ackedFile: summary.ackedFile,
      databaseUrl: `${db.url}?user=${db.user}`,
      waitMs: 60_000,
    });
    return {
      label,
      orderInstances,
      summary,
      lost: report.lost.length,
      duplicated: report.duplicated.length,
      cpu,
    };
  } finally {
    await shop?.stop();
    await worker?.kill();
    await db.drop();
  }
}

const shapes: Shape[] = [];
for (const instances of INSTANCES) shapes.push(await measure(instances));
const [one] = shapes;

const ratio = (a: number, b: number | undefined) => (b ? (a / b).toFixed(2) : 'n/a');
const fmt = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 1 });
const header =
  '| shape | orders/s | vs 1 instance | acked | errors | POST p50 ms | POST p99 ms | visible p50 ms | visible p99 ms | not visible | lost | duplicated |';
const lines = [
  header,
  `|${' --- |'.repeat(12)}`,
  ...shapes.map((s) =>
    [
      '',
      s.label,
      fmt(s.summary.ordersPerSecond),
      ratio(s.summary.ordersPerSecond, one?.summary.ordersPerSecond),
      fmt(s.summary.acked),
      fmt(s.summary.errors + s.summary.timedOut),
      fmt(s.summary.latencyMs.p50),
      fmt(s.summary.latencyMs.p99),
      fmt(s.summary.visibleMs?.p50 ?? Number.NaN),
      fmt(s.summary.visibleMs?.p99 ?? Number.NaN),
      fmt(s.summary.visibleMs?.notYetVisible ?? Number.NaN),
      s.lost,
      s.duplicated,
      '',
    ]
      .join(' | ')
      .trim(),
  ),
];
const kinds = Object.keys(shapes[0]?.cpu ?? {});
const cpuLines = [
  `| cores busy during the load (of 2) | ${shapes.map((s) => s.label).join(' | ')} |`,
  `|${' --- |'.repeat(shapes.length + 1)}`,
  ...kinds.map((k) => `| ${k} | ${shapes.map((s) => (s.cpu[k] ?? 0).toFixed(2)).join(' | ')} |`),
];
const intro =
  `Run ${new Date().toISOString()}: ${SECONDS} s per shape, concurrency ${CONCURRENCY}, rate ${RATE === 0 ? 'max' : `${RATE}/s`}, ` +
  `${USERS} users, 2 products; shared broker ${BOOTSTRAP}, shared MariaDB (a fresh database per shape), Node ${process.version}. ` +
  'POST latency is of the 201 answers; visible = from the 201 to the row found in `orders` (polled every 40 ms).';
const perOrderLines = [
  `| CPU ms per acknowledged order | ${shapes.map((s) => s.label).join(' | ')} |`,
  `|${' --- |'.repeat(shapes.length + 1)}`,
  ...kinds.map(
    (k) =>
      `| ${k} | ${shapes
        .map((s) =>
          s.summary.ordersPerSecond > 0
            ? (((s.cpu[k] ?? 0) * 1000) / s.summary.ordersPerSecond).toFixed(3)
            : 'n/a',
        )
        .join(' | ')} |`,
  ),
];
const text = [intro, '', ...lines, '', ...cpuLines, '', ...perOrderLines, ''].join('\n');
console.log(text);
if (!args['no-append']) appendFileSync(join(root, 'bench', 'RESULTS.md'), `\n${text}`);
