import { parseFlags } from '../cli-args.js';
import { CommandError, UsageError } from '../cli-errors.js';
import { AckedFileError } from '../load/acked-file.js';
import { credentialsFromEnv } from '../shop-database.js';
import { describeReport } from '../verify/order-report.js';
import { verifyOrders } from '../verify/verify-orders.js';
import { DEFAULT_DATABASE_URL, durationFlag } from './load.js';

export const verifyUsage = `Usage: msa-sync verify --acked <file> [options]
  Checks the shared database against a \`msa-sync load\` run: every acknowledged order exactly once
  in the orders table (lost, duplicated), rows of the run's users that were never acknowledged
  (fine only up to the number of requests whose outcome was unknown: timeouts, 5xx, lost
  connections), one catalog decision per order, stock at start − accepted quantities = stock now,
  no negative stock, and how long rows took to appear after their 201.
  The stock check holds only when nobody else ordered the run's products meanwhile.
  --acked <file>           the file \`msa-sync load\` wrote
  --database-url <jdbc>    shared database (default $DATABASE_URL or jdbc:sqlite:.data/msa.db;
                           DATABASE_USER/PASSWORD when the URL carries no user)
  --orders-table <name>    table the JDBC sink writes (default orders)
  --wait <d>               keep re-checking missing rows this long, for a sink catching up (default 30s)
  --json                   print the report as JSON
Exit 0 when everything holds, 1 on any loss, duplicate or inconsistency, 2 on usage errors.`;

const options = {
  acked: { type: 'string' },
  'database-url': { type: 'string' },
  'orders-table': { type: 'string' },
  wait: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Returns the exit code: 0 when the report is ok, 1 otherwise. */
export async function verifyCommand(argv: string[], out: (line: string) => void): Promise<number> {
  const { values } = parseFlags(argv, options);
  if (values.help) {
    out(verifyUsage);
    return 0;
  }
  if (!values.acked) throw new UsageError('--acked is required');
  let report: Awaited<ReturnType<typeof verifyOrders>>;
  try {
    report = await verifyOrders({
      ackedFile: values.acked,
      databaseUrl: values['database-url'] ?? (process.env.DATABASE_URL || DEFAULT_DATABASE_URL),
      databaseCredentials: credentialsFromEnv(),
      ...(values['orders-table'] ? { ordersTable: values['orders-table'] } : {}),
      waitMs: durationFlag(values.wait, '--wait', 30_000),
    });
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const message = error instanceof AckedFileError ? error.message : `database: ${(error as Error).message}`;
    throw new CommandError(`msa-sync verify: ${message}`);
  }
  if (values.json) out(JSON.stringify(report, null, 2));
  else for (const line of describeReport(report)) out(line);
  return report.ok ? 0 : 1;
}
