/**
 * Checks of `POST /{userId}/orders` bodies, strict about types (a quantity sent as "5" is
 * refused, not coerced): every problem is reported, field by field.
 */
export interface OrderRequest {
  productId: string;
  qty: number;
  unitPrice: number;
}

export interface FieldProblem {
  field: string;
  problem: string;
}

export type CheckedOrder = { ok: true; value: OrderRequest } | { ok: false; problems: FieldProblem[] };

/** total_price is an int32 in the `orders` envelope. */
export const MAX_TOTAL_PRICE = 2_147_483_647;
export const MAX_QTY = 1_000_000;
/** product_id is VARCHAR(20) in the seed's table. */
const PRODUCT_ID = /^[A-Za-z0-9._-]{1,20}$/;
/** Ids the users table can hold (VARCHAR(50)); anything else cannot be a user. */
const USER_ID = /^[A-Za-z0-9._-]{1,50}$/;

export function isPlausibleUserId(userId: string): boolean {
  return USER_ID.test(userId);
}

function integer(
  body: Record<string, unknown>,
  field: string,
  min: number,
  max: number,
  problems: FieldProblem[],
): number {
  const value = body[field];
  if (value === undefined || value === null) problems.push({ field, problem: 'is required' });
  else if (typeof value !== 'number') problems.push({ field, problem: 'must be a number' });
  else if (!Number.isInteger(value)) problems.push({ field, problem: 'must be a whole number' });
  else if (value < min)
    problems.push({ field, problem: min === 1 ? 'must be greater than 0' : `must be at least ${min}` });
  else if (value > max) problems.push({ field, problem: `must be at most ${max}` });
  else return value;
  return 0;
}

export function checkOrder(body: unknown): CheckedOrder {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { ok: false, problems: [{ field: '(body)', problem: 'must be a JSON object' }] };
  }
  const b = body as Record<string, unknown>;
  const problems: FieldProblem[] = [];
  const productId = b.productId;
  if (productId === undefined || productId === null)
    problems.push({ field: 'productId', problem: 'is required' });
  else if (typeof productId !== 'string') problems.push({ field: 'productId', problem: 'must be a string' });
  else if (!PRODUCT_ID.test(productId)) {
    problems.push({
      field: 'productId',
      problem: 'must be 1 to 20 letters, digits, dots, dashes or underscores',
    });
  }
  const qty = integer(b, 'qty', 1, MAX_QTY, problems);
  const unitPrice = integer(b, 'unitPrice', 0, MAX_TOTAL_PRICE, problems);
  if (problems.length === 0 && qty * unitPrice > MAX_TOTAL_PRICE) {
    problems.push({ field: 'totalPrice', problem: `qty × unitPrice must be at most ${MAX_TOTAL_PRICE}` });
  }
  return problems.length > 0
    ? { ok: false, problems }
    : { ok: true, value: { productId: productId as string, qty, unitPrice } };
}
