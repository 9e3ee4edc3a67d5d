import type { AckedRun } from '../load/acked-file.js';
import { summarize } from '../load/percentiles.js';

export interface LedgerRow {
  orderId: string;
  productId: string;
  qty: number;
  status: string;
}

/** What the database holds for one run, as `verifyOrders` read it. */
export interface RunObservations {
  /** Rows per order id in the orders table: every acked id that has rows, and every id of the run's users. */
  orderRows: Map<string, number>;
  /** Ledger rows of the run's order ids (acked ones and rows of the run's users). */
  ledger: LedgerRow[];
  /** Current stock of the run's products; a product missing from the catalog is absent. */
  stock: Map<string, number>;
}

export interface StockCheck {
  productId: string;
  stockAtStart: number;
  appliedQty: number;
  expected: number;
  actual: number | null;
  ok: boolean;
}

export interface VerifyReport {
  runId: string;
  acked: number;
  found: number;
  /** Acknowledged, but no row in the orders table. */
  lost: string[];
  /** More than one row with the same order id. */
  duplicated: { orderId: string; count: number }[];
  /** Rows of the run's users that were never acknowledged. */
  unexpected: string[];
  /** Requests whose outcome the client could not know: each may explain one unexpected row. */
  uncertain: number;
  unexpectedExplained: boolean;
  ledger: { missing: string[]; duplicated: string[] };
  stock: StockCheck[];
  negativeStock: string[];
  /** From the 201 to the row being visible, from the load run's own observations. */
  visibleMs?: { p50: number; p99: number; max: number; count: number };
  ok: boolean;
}

/** Ledger statuses that lowered stock (catalog-service records ACCEPTED). */
const APPLIED = new Set(['ACCEPTED', 'APPLIED']);

/** Compares what the load run was told with what the database holds; pure, so it is tested alone. */
export function buildReport(run: AckedRun, seen: RunObservations): VerifyReport {
  const ackedIds = new Set(run.acked.map((a) => a.orderId));
  const lost: string[] = [];
  let found = 0;
  for (const id of ackedIds) {
    if ((seen.orderRows.get(id) ?? 0) > 0) found++;
    else lost.push(id);
  }
  const duplicated = [...seen.orderRows]
    .filter(([, count]) => count > 1)
    .map(([orderId, count]) => ({ orderId, count }));
  const unexpected = [...seen.orderRows.keys()].filter((id) => !ackedIds.has(id));

  const ledgerCount = new Map<string, number>();
  for (const row of seen.ledger) ledgerCount.set(row.orderId, (ledgerCount.get(row.orderId) ?? 0) + 1);
  const ledgerMissing = [...ackedIds].filter((id) => !ledgerCount.has(id));
  const ledgerDuplicated = [...ledgerCount].filter(([, n]) => n > 1).map(([id]) => id);

  // Each order lowers stock once at most: a ledger row written twice must not hide a double decrement.
  const appliedByProduct = new Map<string, number>();
  const counted = new Set<string>();
  for (const row of seen.ledger) {
    if (counted.has(row.orderId) || !APPLIED.has(row.status.toUpperCase())) continue;
    counted.add(row.orderId);
    appliedByProduct.set(row.productId, (appliedByProduct.get(row.productId) ?? 0) + row.qty);
  }
  const stock = run.header.products.map((p): StockCheck => {
    const appliedQty = appliedByProduct.get(p.productId) ?? 0;
    const expected = p.stockAtStart - appliedQty;
    const actual = seen.stock.get(p.productId) ?? null;
    return {
      productId: p.productId,
      stockAtStart: p.stockAtStart,
      appliedQty,
      expected,
      actual,
      ok: actual === expected,
    };
  });
  const negativeStock = stock.filter((s) => s.actual !== null && s.actual < 0).map((s) => s.productId);

  const delays = run.acked.flatMap((a) => {
    const at = run.visible.get(a.orderId);
    return at === undefined ? [] : [at - a.ackedAt];
  });
  const visible = summarize(delays);
  const unexpectedExplained = unexpected.length <= run.uncertain.length;

  return {
    runId: run.header.runId,
    acked: ackedIds.size,
    found,
    lost,
    duplicated,
    unexpected,
    uncertain: run.uncertain.length,
    unexpectedExplained,
    ledger: { missing: ledgerMissing, duplicated: ledgerDuplicated },
    stock,
    negativeStock,
    ...(delays.length > 0
      ? { visibleMs: { p50: visible.p50, p99: visible.p99, max: visible.max, count: visible.count } }
      : {}),
    ok:
      lost.length === 0 &&
      duplicated.length === 0 &&
      unexpectedExplained &&
      ledgerMissing.length === 0 &&
      ledgerDuplicated.length === 0 &&
      stock.every((s) => s.ok) &&
      negativeStock.length === 0,
  };
}

/** Problems that may go away while the sink or the catalog catches up (worth checking again). */
export function mayStillSettle(report: VerifyReport): boolean {
  return (
    report.duplicated.length === 0 &&
    report.ledger.duplicated.length === 0 &&
    report.negativeStock.length === 0 &&
    (report.lost.length > 0 || report.ledger.missing.length > 0 || report.stock.some((s) => !s.ok))
  );
}

/** The lines `msa-sync verify` prints: what was checked and, for each problem, exactly what. */
export function describeReport(report: VerifyReport, limit = 10): string[] {
  const ids = (list: readonly string[]) =>
    list.slice(0, limit).join(', ') + (list.length > limit ? ` … (${list.length - limit} more)` : '');
  const lines = [
    `run ${report.runId}: ${report.acked} acknowledged, ${report.found} found, ${report.lost.length} lost, ` +
      `${report.duplicated.length} duplicated, ${report.unexpected.length} unexpected (${report.uncertain} uncertain requests)`,
  ];
  if (report.lost.length) lines.push(`LOST (acknowledged, no row): ${ids(report.lost)}`);
  if (report.duplicated.length)
    lines.push(
      `DUPLICATED (more than one row): ${ids(report.duplicated.map((d) => `${d.orderId} ×${d.count}`))}`,
    );
  if (report.unexpected.length)
    lines.push(
      `${report.unexpectedExplained ? 'unexpected' : 'UNEXPECTED'} (row, never acknowledged; ` +
        `${report.unexpectedExplained ? 'explained by' : 'more than'} ${report.uncertain} uncertain requests): ${ids(report.unexpected)}`,
    );
  if (report.ledger.missing.length)
    lines.push(`LEDGER MISSING (no catalog decision): ${ids(report.ledger.missing)}`);
  if (report.ledger.duplicated.length)
    lines.push(`LEDGER DUPLICATED (decided more than once): ${ids(report.ledger.duplicated)}`);
  for (const s of report.stock) {
    const text = `stock ${s.productId}: ${s.stockAtStart} at start − ${s.appliedQty} accepted = ${s.expected}, actual ${s.actual ?? 'no such product'}`;
    lines.push(s.ok ? text : `WRONG ${text}`);
  }
  if (report.negativeStock.length) lines.push(`NEGATIVE STOCK: ${ids(report.negativeStock)}`);
  if (report.visibleMs) {
    const v = report.visibleMs;
    lines.push(`201 → row visible: p50 ${v.p50} ms, p99 ${v.p99} ms, max ${v.max} ms (${v.count} orders)`);
  }
  lines.push(report.ok ? 'OK' : 'FAILED');
  return lines;
}
