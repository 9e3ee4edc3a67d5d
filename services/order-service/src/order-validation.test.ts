import { describe, expect, it } from 'vitest';
import { checkOrder, isPlausibleUserId, MAX_TOTAL_PRICE } from './order-validation.js';

const valid = { productId: 'CATALOG-001', qty: 3, unitPrice: 1500 };

function problems(body: unknown) {
  const checked = checkOrder(body);
  return checked.ok ? [] : checked.problems.map((p) => `${p.field} ${p.problem}`);
}

describe('checkOrder', () => {
  it('accepts the course’s order body and ignores other fields', () => {
    expect(checkOrder(valid)).toEqual({ ok: true, value: valid });
    expect(checkOrder({ ...valid, userId: 'x', totalPrice: 1 })).toEqual({ ok: true, value: valid });
  });

  it('wants quantities above zero', () => {
    expect(problems({ ...valid, qty: 0 })).toEqual(['qty must be greater than 0']);
    expect(problems({ ...valid, qty: -4 })).toEqual(['qty must be greater than 0']);
  });

  it('refuses wrong types instead of coercing them', () => {
    expect(problems({ ...valid, qty: '5' })).toEqual(['qty must be a number']);
    expect(problems({ ...valid, qty: 1.5 })).toEqual(['qty must be a whole number']);
    expect(problems({ ...valid, unitPrice: true })).toEqual(['unitPrice must be a number']);
    expect(problems({ ...valid, productId: 7 })).toEqual(['productId must be a string']);
    expect(problems([valid])).toEqual(['(body) must be a JSON object']);
    expect(problems(null)).toEqual(['(body) must be a JSON object']);
    expect(problems('text')).toEqual(['(body) must be a JSON object']);
  });

  it('names every missing field', () => {
    expect(problems({})).toEqual(['productId is required', 'qty is required', 'unitPrice is required']);
    expect(problems({ productId: null, qty: 1, unitPrice: 1 })).toEqual(['productId is required']);
  });

  it('keeps values inside the columns they land in', () => {
    expect(problems({ ...valid, productId: 'X'.repeat(21) })).toHaveLength(1);
    expect(problems({ ...valid, productId: "CATALOG-001'; DROP TABLE orders" })).toHaveLength(1);
    expect(problems({ ...valid, unitPrice: -1 })).toEqual(['unitPrice must be at least 0']);
    expect(problems({ ...valid, qty: 1_000_001 })).toEqual(['qty must be at most 1000000']);
    expect(problems({ ...valid, qty: 1000, unitPrice: 3_000_000 })).toEqual([
      `totalPrice qty × unitPrice must be at most ${MAX_TOTAL_PRICE}`,
    ]);
    expect(checkOrder({ ...valid, qty: 1, unitPrice: MAX_TOTAL_PRICE }).ok).toBe(true);
  });
});

describe('isPlausibleUserId', () => {
  it('accepts UUIDs and refuses what no users row can hold', () => {
    expect(isPlausibleUserId('648e3925-0e3e-49b4-8d02-a9b040bda134')).toBe(true);
    expect(isPlausibleUserId('')).toBe(false);
    expect(isPlausibleUserId('a'.repeat(51))).toBe(false);
    expect(isPlausibleUserId('a b')).toBe(false);
  });
});
