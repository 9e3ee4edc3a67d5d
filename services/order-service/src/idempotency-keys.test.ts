import { ServiceError } from '@msa-sync/service-runtime';
import { describe, expect, it } from 'vitest';
import {
  idempotencyKeyOf,
  isExpired,
  judgeKey,
  type KeyRow,
  keyedOrderId,
  requestHash,
} from './idempotency-keys.js';

const order = { productId: 'CATALOG-001', qty: 2, unitPrice: 1500 };
const row = (over: Partial<KeyRow> = {}): KeyRow => ({
  userId: 'u1',
  key: 'k1',
  requestHash: requestHash('u1', order),
  orderId: keyedOrderId('u1', 'k1', 1000),
  firstUsedMs: 1000,
  leaseUntilMs: 4000,
  answer: undefined,
  ...over,
});

describe('idempotency keys', () => {
  it('reads the header: absent, a token, an sf-string; refuses what cannot be a key', () => {
    expect(idempotencyKeyOf({})).toBeUndefined();
    expect(idempotencyKeyOf({ 'idempotency-key': 'order-42' })).toBe('order-42');
    expect(idempotencyKeyOf({ 'idempotency-key': '"8e03978e-40d5-43e8-bc93-6894a57f9324"' })).toBe(
      '8e03978e-40d5-43e8-bc93-6894a57f9324',
    );
    for (const bad of ['', 'has space', 'x'.repeat(256), 'é', ['a', 'b']]) {
      expect(() => idempotencyKeyOf({ 'idempotency-key': bad })).toThrow(ServiceError);
    }
  });

  it('makes the same order id for the same user, key and first use, and another for any other', () => {
    const id = keyedOrderId('u1', 'k1', 1000);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(keyedOrderId('u1', 'k1', 1000)).toBe(id);
    expect(
      new Set([
        id,
        keyedOrderId('u2', 'k1', 1000),
        keyedOrderId('u1', 'k2', 1000),
        keyedOrderId('u1', 'k1', 1001),
      ]).size,
    ).toBe(4);
  });

  it('hashes the user and the checked body, not its spelling', () => {
    expect(requestHash('u1', { ...order })).toBe(
      requestHash('u1', { unitPrice: 1500, qty: 2, productId: 'CATALOG-001' }),
    );
    expect(requestHash('u1', { ...order, qty: 3 })).not.toBe(requestHash('u1', order));
    expect(requestHash('u2', order)).not.toBe(requestHash('u1', order));
  });

  it('replays an answered key, refuses another body, waits on a live lease, takes over a dead one', () => {
    const hash = requestHash('u1', order);
    const answered = row({ answer: { status: 201, body: { orderId: 'x' } } });
    expect(judgeKey(answered, hash, 99_999)).toEqual({
      action: 'replay',
      status: 201,
      body: { orderId: 'x' },
    });
    expect(judgeKey(answered, requestHash('u1', { ...order, qty: 9 }), 2000)).toEqual({ action: 'mismatch' });
    expect(judgeKey(row(), requestHash('u1', { ...order, unitPrice: 1 }), 2000)).toEqual({
      action: 'mismatch',
    });
    expect(judgeKey(row(), hash, 3999)).toEqual({ action: 'wait' });
    expect(judgeKey(row(), hash, 4000)).toEqual({ action: 'take-over' });
    expect(judgeKey(row({ leaseUntilMs: 0 }), hash, 1500)).toEqual({ action: 'take-over' });
  });

  it('expires a key its time to live after its first use', () => {
    expect(isExpired(row(), 1000 + 86_400_000 - 1, 86_400_000)).toBe(false);
    expect(isExpired(row(), 1000 + 86_400_000, 86_400_000)).toBe(true);
  });
});
