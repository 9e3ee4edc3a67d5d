import { MessageShapeError, readInteger, readJsonObject, readString } from './message-fields.js';

/**
 * The plain JSON copy of an order on `example-catalog-topic` (the seed's `OrderDto` as Jackson
 * writes it): what catalog-service needs to lower stock.
 */
export interface CatalogOrder {
  orderId: string;
  userId: string;
  productId: string;
  qty: number;
  unitPrice: number;
  totalPrice: number;
  createdAt: string;
}

export function encodeCatalogOrder(order: CatalogOrder): Buffer {
  const { productId, qty, unitPrice, totalPrice, orderId, userId, createdAt } = order;
  return Buffer.from(JSON.stringify({ productId, qty, unitPrice, totalPrice, orderId, userId, createdAt }));
}

/** Reads a record value; throws MessageShapeError when it is not a catalog order. */
export function decodeCatalogOrder(bytes: Buffer | undefined | null): CatalogOrder {
  const object = readJsonObject(bytes);
  return {
    orderId: readString(object, 'orderId'),
    userId: readString(object, 'userId'),
    productId: readString(object, 'productId'),
    qty: readInteger(object, 'qty'),
    unitPrice: readInteger(object, 'unitPrice'),
    totalPrice: readInteger(object, 'totalPrice'),
    createdAt: typeof object.createdAt === 'string' ? object.createdAt : '',
  };
}

export { MessageShapeError };
