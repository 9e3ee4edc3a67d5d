import { readInteger, readJsonObject, readString } from './message-fields.js';

/**
 * A product's current name and price on `catalog-prices` (compacted, key = product id): the
 * catalog publishes every product at start and again whenever its row changes, so the topic's
 * latest record per key is the price. order-service reads it into memory (no synchronous call).
 */
export interface CatalogPrice {
  productId: string;
  productName: string;
  unitPrice: number;
}

export function encodeCatalogPrice(price: CatalogPrice): Buffer {
  const { productId, productName, unitPrice } = price;
  return Buffer.from(JSON.stringify({ productId, productName, unitPrice }));
}

/** Reads a record value; throws MessageShapeError when it is not a catalog price. */
export function decodeCatalogPrice(bytes: Buffer | undefined | null): CatalogPrice {
  const object = readJsonObject(bytes);
  return {
    productId: readString(object, 'productId'),
    productName: typeof object.productName === 'string' ? object.productName : '',
    unitPrice: readInteger(object, 'unitPrice'),
  };
}
