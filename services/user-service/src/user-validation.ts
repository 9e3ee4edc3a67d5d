/** Field-by-field checks of sign-up and login bodies; each problem is one detail line. */
export interface FieldProblem {
  field: string;
  problem: string;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; problems: FieldProblem[] };

export interface SignUp {
  email: string;
  name: string;
  pwd: string;
}

export interface Login {
  email: string;
  password: string;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function isObject(body: unknown): body is Record<string, unknown> {
  return body !== null && typeof body === 'object' && !Array.isArray(body);
}

function text(
  body: Record<string, unknown>,
  field: string,
  min: number,
  max: number,
  problems: FieldProblem[],
): string {
  const value = body[field];
  if (value === undefined || value === null) problems.push({ field, problem: 'is required' });
  else if (typeof value !== 'string') problems.push({ field, problem: 'must be a string' });
  else if (value.length < min || value.length > max) {
    problems.push({ field, problem: `must be ${min} to ${max} characters long` });
  } else return value;
  return '';
}

export function checkSignUp(body: unknown): Checked<SignUp> {
  if (!isObject(body))
    return { ok: false, problems: [{ field: '(body)', problem: 'must be a JSON object' }] };
  const problems: FieldProblem[] = [];
  const email = text(body, 'email', 3, 100, problems).trim().toLowerCase();
  if (email && !EMAIL.test(email)) problems.push({ field: 'email', problem: 'is not an email address' });
  const name = text(body, 'name', 1, 50, problems).trim();
  if (typeof body.name === 'string' && body.name.length > 0 && !name) {
    problems.push({ field: 'name', problem: 'must not be blank' });
  }
  const pwd = text(body, 'pwd', 8, 128, problems);
  return problems.length ? { ok: false, problems } : { ok: true, value: { email, name, pwd } };
}

export function checkLogin(body: unknown): Checked<Login> {
  if (!isObject(body))
    return { ok: false, problems: [{ field: '(body)', problem: 'must be a JSON object' }] };
  const problems: FieldProblem[] = [];
  const email = text(body, 'email', 1, 100, problems).trim().toLowerCase();
  const password = text(body, 'password', 1, 128, problems);
  return problems.length ? { ok: false, problems } : { ok: true, value: { email, password } };
}
