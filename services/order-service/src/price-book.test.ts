import { ServiceError } from '@msa-sync/service-runtime';
import { encodeCatalogPrice } from '@msa-sync/shop-contracts';
import { describe, expect, it } from 'vitest';
import { PriceBook } from './price-book.js';

const price = (productId: string, unitPrice: number) => ({
  key: Buffer.from(productId),
  value: encodeCatalogPrice({ productId, productName: productId.toLowerCase(), unitPrice }),
});

function refusal(book: PriceBook, productId: string, unitPrice: number): ServiceError {
  expect(book.accepts(productId, unitPrice)).toBe(false);
  try {
    book.check(productId, unitPrice);
  } catch (error) {
    if (error instanceof ServiceError) return error;
    throw error;
  }
  throw new Error(`${productId} at ${unitPrice} was not refused`);
}

describe('PriceBook', () => {
  it('answers 503 with Retry-After until the topic was read to its end with a price in it', () => {
    const book = new PriceBook();
    const a = price('A', 100);
    book.apply(a.key, a.value);
    expect(refusal(book, 'A', 100)).toMatchObject({
      code: 'PRICES_UNAVAILABLE',
      status: 503,
      retryAfterSeconds: 2,
    });
    book.markCaughtUp();
    expect(book.check('A', 100)).toMatchObject({ productId: 'A', unitPrice: 100 });

    const empty = new PriceBook();
    empty.markCaughtUp();
    expect(refusal(empty, 'A', 100).code).toBe('PRICES_UNAVAILABLE');
  });

  it('takes the latest price per product, refuses any other price with 409 naming it', () => {
    const book = new PriceBook();
    for (const r of [price('A', 100), price('B', 7), price('A', 120)]) book.apply(r.key, r.value);
    book.markCaughtUp();
    const changed = refusal(book, 'A', 100);
    expect(changed).toMatchObject({
      code: 'PRICE_CHANGED',
      status: 409,
      details: { productId: 'A', unitPrice: 120 },
    });
    expect(changed.message).toContain('120');
    expect(refusal(book, 'A', 0).code).toBe('PRICE_CHANGED');
    expect(book.check('A', 120).unitPrice).toBe(120);
    expect(book.check('B', 7).unitPrice).toBe(7);
    expect([book.accepts('A', 120), book.accepts('B', 7)]).toEqual([true, true]);
  });

  it('answers 404 for a product the catalog does not have, and forgets a tombstoned one', () => {
    const book = new PriceBook();
    const a = price('A', 100);
    const b = price('B', 5);
    book.apply(a.key, a.value);
    book.apply(b.key, b.value);
    book.markCaughtUp();
    expect(refusal(book, 'NOPE', 100)).toMatchObject({ code: 'PRODUCT_NOT_FOUND', status: 404 });
    book.apply(Buffer.from('B'), undefined);
    expect(refusal(book, 'B', 5).code).toBe('PRODUCT_NOT_FOUND');
  });

  it('skips records that are not prices instead of failing', () => {
    const book = new PriceBook();
    book.apply(Buffer.from('X'), Buffer.from('not json'));
    book.apply(Buffer.from('Y'), Buffer.from('{"productId":"Y","unitPrice":"free"}'));
    const a = price('A', 1);
    book.apply(a.key, a.value);
    book.markCaughtUp();
    expect(book.size).toBe(1);
  });
});
