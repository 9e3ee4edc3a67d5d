import { MessageShapeError, readInteger, readJsonObject, readString } from './message-fields.js';

export type OrderStatus = 'ACCEPTED' | 'REJECTED';
export const ORDER_STATUSES: readonly OrderStatus[] = ['ACCEPTED', 'REJECTED'];

/** Why catalog-service turned an order down. */
export type RejectionReason = 'OUT_OF_STOCK' | 'UNKNOWN_PRODUCT' | 'INVALID_ORDER';

/** catalog-service's verdict on one order, on `catalog-events` (key = order id). */
export interface CatalogEvent {
  orderId: string;
  userId: string;
  productId: string;
  qty: number;
  status: OrderStatus;
  reason: RejectionReason | null;
  /** When the catalog decided (ISO-8601); a redelivered order gets its first decision again. */
  decidedAt: string;
}

export function encodeCatalogEvent(event: CatalogEvent): Buffer {
  return Buffer.from(JSON.stringify(event));
}

export function decodeCatalogEvent(bytes: Buffer | undefined | null): CatalogEvent {
  const object = readJsonObject(bytes);
  const status = readString(object, 'status');
  if (!ORDER_STATUSES.includes(status as OrderStatus)) {
    throw new MessageShapeError(`status must be one of ${ORDER_STATUSES.join(', ')}`);
  }
  const reason = object.reason;
  return {
    orderId: readString(object, 'orderId'),
    userId: typeof object.userId === 'string' ? object.userId : '',
    productId: typeof object.productId === 'string' ? object.productId : '',
    qty: typeof object.qty === 'number' ? readInteger(object, 'qty') : 0,
    status: status as OrderStatus,
    reason: typeof reason === 'string' ? (reason as RejectionReason) : null,
    decidedAt: typeof object.decidedAt === 'string' ? object.decidedAt : '',
  };
}
