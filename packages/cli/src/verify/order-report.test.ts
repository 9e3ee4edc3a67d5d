import { describe, expect, it } from 'vitest';
import type { AckedRun } from '../load/acked-file.js';
import { buildReport, describeReport, mayStillSettle, type RunObservations } from './order-report.js';

const acked = (orderId: string, productId = 'P1', qty = 2, ackedAt = 1000) => ({
  type: 'acked' as const,
  orderId,
  userId: 'u1',
  productId,
  qty,
  ackedAt,
  latencyMs: 5,
});

function run(over: Partial<AckedRun> = {}): AckedRun {
  return {
    header: {
      type: 'run',
      runId: 'load-t',
      gatewayUrl: 'http://g',
      ratePerSecond: 1,
      durationMs: 1,
      concurrency: 1,
      users: ['u1'],
      products: [
        { productId: 'P1', stockAtStart: 10 },
        { productId: 'P2', stockAtStart: 5 },
      ],
      startedAt: 0,
    },
    acked: [acked('a'), acked('b'), acked('c', 'P2', 1)],
    uncertain: [],
    visible: new Map([
      ['a', 1010],
      ['b', 1100],
    ]),
    end: undefined,
    ...over,
  };
}

function clean(): RunObservations {
  return {
    orderRows: new Map([
      ['a', 1],
      ['b', 1],
      ['c', 1],
    ]),
    ledger: [
      { orderId: 'a', productId: 'P1', qty: 2, status: 'ACCEPTED' },
      { orderId: 'b', productId: 'P1', qty: 2, status: 'ACCEPTED' },
      { orderId: 'c', productId: 'P2', qty: 1, status: 'REJECTED' },
    ],
    stock: new Map([
      ['P1', 6],
      ['P2', 5],
    ]),
  };
}

describe('buildReport', () => {
  it('is ok when every acked order is there once and stock adds up', () => {
    const report = buildReport(run(), clean());
    expect(report).toMatchObject({
      acked: 3,
      found: 3,
      lost: [],
      duplicated: [],
      unexpected: [],
      ledger: { missing: [], duplicated: [] },
      negativeStock: [],
      ok: true,
    });
    expect(report.stock).toEqual([
      { productId: 'P1', stockAtStart: 10, appliedQty: 4, expected: 6, actual: 6, ok: true },
      { productId: 'P2', stockAtStart: 5, appliedQty: 0, expected: 5, actual: 5, ok: true },
    ]);
    expect(report.visibleMs).toEqual({ p50: 10, p99: 100, max: 100, count: 2 });
    expect(describeReport(report).at(-1)).toBe('OK');
  });

  it('reports a lost order, and may still settle', () => {
    const seen = clean();
    seen.orderRows.delete('b');
    const report = buildReport(run(), seen);
    expect(report.lost).toEqual(['b']);
    expect(report.found).toBe(2);
    expect(report.ok).toBe(false);
    expect(mayStillSettle(report)).toBe(true);
    expect(describeReport(report)).toContain('LOST (acknowledged, no row): b');
  });

  it('reports duplicated rows, which never settle', () => {
    const seen = clean();
    seen.orderRows.set('a', 3);
    const report = buildReport(run(), seen);
    expect(report.duplicated).toEqual([{ orderId: 'a', count: 3 }]);
    expect(report.ok).toBe(false);
    expect(mayStillSettle(report)).toBe(false);
  });

  it('accepts unexpected rows up to the number of uncertain requests', () => {
    const seen = clean();
    seen.orderRows.set('x', 1);
    expect(buildReport(run(), seen)).toMatchObject({
      unexpected: ['x'],
      unexpectedExplained: false,
      ok: false,
    });
    const uncertain = [
      { type: 'uncertain' as const, userId: 'u1', productId: 'P1', qty: 1, at: 1, error: 'timeout' },
    ];
    expect(buildReport(run({ uncertain }), seen)).toMatchObject({
      unexpected: ['x'],
      uncertain: 1,
      unexpectedExplained: true,
      ok: true,
    });
  });

  it('counts an unexpected but accepted order in the stock arithmetic', () => {
    const seen = clean();
    seen.orderRows.set('x', 1);
    seen.ledger.push({ orderId: 'x', productId: 'P1', qty: 3, status: 'ACCEPTED' });
    seen.stock.set('P1', 3);
    const uncertain = [
      { type: 'uncertain' as const, userId: 'u1', productId: 'P1', qty: 3, at: 1, error: 'HTTP 504' },
    ];
    const report = buildReport(run({ uncertain }), seen);
    expect(report.stock[0]).toMatchObject({ appliedQty: 7, expected: 3, actual: 3, ok: true });
    expect(report.ok).toBe(true);
  });

  it('reports wrong stock, negative stock and a product that is gone', () => {
    const seen = clean();
    seen.stock.set('P1', 7);
    expect(buildReport(run(), seen).stock[0]).toMatchObject({ expected: 6, actual: 7, ok: false });
    seen.stock.set('P1', -1);
    const negative = buildReport(run(), seen);
    expect(negative.negativeStock).toEqual(['P1']);
    expect(mayStillSettle(negative)).toBe(false);
    seen.stock.delete('P2');
    expect(buildReport(run(), seen).stock[1]).toMatchObject({ actual: null, ok: false });
  });

  it('reports missing and duplicated ledger decisions; a double row does not lower expected stock twice', () => {
    const seen = clean();
    seen.ledger = seen.ledger.filter((l) => l.orderId !== 'c');
    seen.ledger.push({ orderId: 'a', productId: 'P1', qty: 2, status: 'ACCEPTED' });
    const report = buildReport(run(), seen);
    expect(report.ledger).toEqual({ missing: ['c'], duplicated: ['a'] });
    expect(report.stock[0]).toMatchObject({ appliedQty: 4, ok: true });
    expect(report.ok).toBe(false);
  });
});
