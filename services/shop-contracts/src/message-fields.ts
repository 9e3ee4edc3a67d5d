/** A record value that is not the message its topic carries. */
export class MessageShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MessageShapeError';
  }
}

export function readJsonObject(bytes: Buffer | undefined | null): Record<string, unknown> {
  if (!bytes || bytes.length === 0) throw new MessageShapeError('empty record value');
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new MessageShapeError('record value is not JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new MessageShapeError('record value is not a JSON object');
  }
  return parsed as Record<string, unknown>;
}

export function readString(object: Record<string, unknown>, field: string): string {
  const value = object[field];
  if (typeof value !== 'string' || value.length === 0) {
    throw new MessageShapeError(`${field} must be a non-empty string`);
  }
  return value;
}

export function readInteger(object: Record<string, unknown>, field: string): number {
  const value = object[field];
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new MessageShapeError(`${field} must be an integer`);
  }
  return value;
}
