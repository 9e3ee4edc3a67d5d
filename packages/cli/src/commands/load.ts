import { join } from 'node:path';
import { parseFlags, parseIntFlag } from '../cli-args.js';
import { CommandError, UsageError } from '../cli-errors.js';
import { parseDuration } from '../duration.js';
import { type LoadProgress, type LoadSummary, runLoad } from '../load/run-load.js';
import { LoadSetupError } from '../load/shop-client.js';
import { credentialsFromEnv } from '../shop-database.js';

export const loadUsage = `Usage: msa-sync load [options]
  Places orders through the gateway with users of its own, shows progress, prints a latency
  histogram and writes every acknowledged order id (with its time) to a file for \`msa-sync verify\`.
  --gateway <url>          gateway (default http://127.0.0.1:$MSA_GATEWAY_PORT, port 8000)
  --rate <n>               orders per second, open loop (default 50; 0 = as fast as --concurrency allows)
  --duration <d>           how long to send: 500ms, 30s, 2m or seconds (default 10s)
  --concurrency <n>        most requests in flight (default 20)
  --users <n>              users to sign up for this run (default 10)
  --products <n>           order the first n products of the catalog (default 2)
  --qty <n>                quantity of every order (default 1)
  --timeout <d>            an attempt without answer after this is uncertain (default 10s)
  --retries <n>            send an uncertain order again (same Idempotency-Key) up to n times (default 5)
  --acked <file>           where to write the run (default .data/load/acked-<runId>.jsonl)
  --database-url <jdbc>    shared database to watch for rows becoming visible
                           (default $DATABASE_URL or jdbc:sqlite:.data/msa.db; DATABASE_USER/PASSWORD)
  --no-visibility          do not watch the database
  --grace <d>              after the run, wait this long at most for the last rows (default 30s)
  --json                   print the summary as JSON
Exit 0 when the run happened (errors during it are counted), 1 when it could not start.`;

const options = {
  gateway: { type: 'string' },
  rate: { type: 'string' },
  duration: { type: 'string' },
  concurrency: { type: 'string' },
  users: { type: 'string' },
  products: { type: 'string' },
  qty: { type: 'string' },
  timeout: { type: 'string' },
  retries: { type: 'string' },
  acked: { type: 'string' },
  'database-url': { type: 'string' },
  'no-visibility': { type: 'boolean' },
  grace: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export function durationFlag(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  try {
    return parseDuration(value);
  } catch (error) {
    throw new UsageError(`${flag}: ${(error as Error).message}`);
  }
}

export const DEFAULT_DATABASE_URL = 'jdbc:sqlite:.data/msa.db';

export async function loadCommand(
  argv: string[],
  out: (line: string) => void,
  progressStream: NodeJS.WriteStream,
  signal?: AbortSignal,
): Promise<void> {
  const { values } = parseFlags(argv, options);
  if (values.help) return out(loadUsage);
  const durationMs = durationFlag(values.duration, '--duration', 10_000);
  if (durationMs <= 0) throw new UsageError('--duration must be more than 0');
  const gatewayUrl = values.gateway ?? `http://127.0.0.1:${process.env.MSA_GATEWAY_PORT || 8000}`;
  const ackedFile = values.acked ?? join('.data', 'load', 'acked-{runId}.jsonl');
  const bar = progressBar(progressStream);
  let summary: LoadSummary;
  try {
    summary = await runLoad(
      {
        gatewayUrl,
        ratePerSecond: parseIntFlag(values.rate, '--rate', 0) ?? 50,
        durationMs,
        concurrency: parseIntFlag(values.concurrency, '--concurrency') ?? 20,
        users: parseIntFlag(values.users, '--users') ?? 10,
        products: parseIntFlag(values.products, '--products') ?? 2,
        qty: parseIntFlag(values.qty, '--qty') ?? 1,
        requestTimeoutMs: durationFlag(values.timeout, '--timeout', 10_000),
        retries: parseIntFlag(values.retries, '--retries', 0) ?? 5,
        visibilityGraceMs: durationFlag(values.grace, '--grace', 30_000),
        ackedFile,
        ...(values['no-visibility']
          ? {}
          : {
              databaseUrl: values['database-url'] ?? (process.env.DATABASE_URL || DEFAULT_DATABASE_URL),
              databaseCredentials: credentialsFromEnv(),
            }),
        ...(signal ? { signal } : {}),
      },
      bar.update,
    );
  } catch (error) {
    bar.end();
    if (error instanceof LoadSetupError) throw new CommandError(`msa-sync load: ${error.message}`);
    throw error;
  }
  bar.end();
  if (values.json) return out(JSON.stringify(summary, null, 2));
  for (const line of describeSummary(summary)) out(line);
}

export function describeSummary(s: LoadSummary): string[] {
  const l = s.latencyMs;
  const lines = [
    `run ${s.runId}: ${s.sent} sent in ${(s.elapsedMs / 1000).toFixed(1)} s, ${s.acked} acknowledged (201), ` +
      `${s.rejected} refused (4xx), ${s.errors} errors, ${s.timedOut} timed out, ${s.uncertain} uncertain (${s.retried} retries); ${s.ordersPerSecond} orders/s`,
    `latency of 201s: p50 ${l.p50} ms, p95 ${l.p95} ms, p99 ${l.p99} ms, max ${l.max} ms (${l.count})`,
  ];
  if (s.visibleMs) {
    const v = s.visibleMs;
    lines.push(
      `201 → row visible: p50 ${v.p50} ms, p99 ${v.p99} ms, max ${v.max} ms (${v.count}); ${v.notYetVisible} not visible yet` +
        (s.databaseErrors ? `; ${s.databaseErrors} database errors while watching` : ''),
    );
  }
  const samples = Object.entries(s.errorSamples);
  if (samples.length) lines.push(`errors: ${samples.map(([k, n]) => `${k} ×${n}`).join(', ')}`);
  lines.push(`acked file: ${s.ackedFile}  (check it: msa-sync verify --acked ${s.ackedFile})`);
  return lines;
}

/** One line redrawn in place on a terminal; a plain line every few seconds otherwise (CI logs). */
function progressBar(stream: NodeJS.WriteStream): { update: (p: LoadProgress) => void; end: () => void } {
  const tty = stream.isTTY === true;
  let lastPlain = 0;
  let drawn = false;
  const format = (p: LoadProgress) => {
    const width = 20;
    const done = Math.min(1, p.elapsedMs / p.durationMs);
    const filled = Math.round(done * width);
    const bar =
      p.phase === 'load' ? `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]` : '[waiting for rows]';
    const visible = p.notYetVisible === undefined ? '' : ` not-visible ${p.notYetVisible}`;
    return `${bar} ${(p.elapsedMs / 1000).toFixed(1)}s sent ${p.sent} 201 ${p.acked} 4xx ${p.rejected} err ${p.errors} timeout ${p.timedOut} in-flight ${p.inFlight} ${p.currentRate}/s${visible}`;
  };
  return {
    update: (p) => {
      if (tty) {
        stream.write(`\r${format(p)}\x1b[K`);
        drawn = true;
      } else if (p.elapsedMs - lastPlain >= 5000 || lastPlain === 0) {
        lastPlain = Math.max(p.elapsedMs, 1);
        stream.write(`${format(p)}\n`);
      }
    },
    end: () => {
      if (drawn) stream.write('\n');
    },
  };
}
