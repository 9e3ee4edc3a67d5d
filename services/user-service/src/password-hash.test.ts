import { describe, expect, it } from 'vitest';
import { hashPassword, verifyAgainstDecoy, verifyPassword } from './password-hash.js';

describe('password hashing (scrypt)', () => {
  it('stores a salted, self-describing scrypt hash that verifies only the same password', async () => {
    const stored = await hashPassword('test12345');
    expect(stored).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{88}$/);
    expect(stored).not.toContain('test12345');
    expect(await verifyPassword('test12345', stored)).toBe(true);
    expect(await verifyPassword('test1234', stored)).toBe(false);
    expect(await hashPassword('test12345')).not.toBe(stored);
  });

  it('reads the cost parameters from the stored text', async () => {
    const cheap = await hashPassword('pw-123456', { N: 1024, r: 8, p: 1 });
    expect(cheap.startsWith('scrypt$1024$8$1$')).toBe(true);
    expect(await verifyPassword('pw-123456', cheap)).toBe(true);
  });

  it('refuses malformed stored values and unknown emails alike', async () => {
    expect(await verifyPassword('x', 'plain-text-password')).toBe(false);
    expect(await verifyPassword('x', 'scrypt$0$8$1$AAAA$AAAA')).toBe(false);
    expect(await verifyAgainstDecoy('anything')).toBe(false);
  });
});
