/** The few gateway calls a load run needs before it starts ordering. */

export interface CatalogProduct {
  productId: string;
  unitPrice: number;
  stock: number;
}

export interface LoadUser {
  userId: string;
  token: string;
}

/** The gateway could not be used at all; the message says what to do. */
export class LoadSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LoadSetupError';
  }
}

function reason(error: unknown): string {
  const e = error as Error & { cause?: { code?: string; message?: string } };
  return e.cause?.code ?? e.cause?.message ?? e.message;
}

async function callJson(
  gatewayUrl: string,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  let response: Response;
  try {
    response = await fetch(`${gatewayUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? null : JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
  } catch (error) {
    throw new LoadSetupError(
      `The gateway at ${gatewayUrl} does not answer (${method} ${path}: ${reason(error)}). ` +
        'Start the shop (npm start) or pass --gateway.',
    );
  }
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON (a proxy's error page): kept as text for the message.
  }
  return { status: response.status, body: parsed };
}

export async function fetchProducts(gatewayUrl: string): Promise<CatalogProduct[]> {
  const { status, body } = await callJson(gatewayUrl, 'GET', '/catalog-service/catalogs');
  if (status !== 200 || !Array.isArray(body)) {
    throw new LoadSetupError(
      `GET ${gatewayUrl}/catalog-service/catalogs answered ${status}: ${JSON.stringify(body)}`,
    );
  }
  return (body as Record<string, unknown>[])
    .map((p) => ({ productId: String(p.productId), unitPrice: Number(p.unitPrice), stock: Number(p.stock) }))
    .sort((a, b) => a.productId.localeCompare(b.productId));
}

/** Signs a user up and logs it in; the email carries the run id so runs never collide. */
export async function signUpAndLogIn(gatewayUrl: string, email: string, name: string): Promise<LoadUser> {
  const password = 'load-test-password';
  const created = await callJson(gatewayUrl, 'POST', '/user-service/users', { email, name, pwd: password });
  if (created.status !== 201) {
    throw new LoadSetupError(
      `Sign-up of ${email} answered ${created.status}: ${JSON.stringify(created.body)}`,
    );
  }
  const login = await callJson(gatewayUrl, 'POST', '/user-service/login', { email, password });
  const body = login.body as { token?: string; userId?: string } | undefined;
  if (login.status !== 200 || !body?.token || !body.userId) {
    throw new LoadSetupError(`Login of ${email} answered ${login.status}: ${JSON.stringify(login.body)}`);
  }
  return { userId: body.userId, token: body.token };
}

/** Runs `work` for 0..count-1 with at most `parallel` at a time, results in order. */
export async function inParallel<T>(
  count: number,
  parallel: number,
  work: (i: number) => Promise<T>,
): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < count; i = next++) results[i] = await work(i);
  };
  await Promise.all(Array.from({ length: Math.min(parallel, count) }, worker));
  return results;
}
