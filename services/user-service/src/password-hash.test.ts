import { describe, expect, it } from 'vitest';
import { hashPassword, verifyAgainstDecoy, verifyPassword } from './password-hash.js';

// Each hash at OWASP's cost takes a noticeable fraction of a second (that is the point).
describe('password hashing (scrypt)', { timeout: 60_000 }, () => {
  it('stores a salted, self-describing scrypt hash that verifies only the same password', async () => {
    const stored = await hashPassword('test12345');
    expect(stored).toMatch(/^scrypt\$131072\$8\$1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{88}$/);
    expect(stored).not.toContain('test12345');
    expect(await verifyPassword('test12345', stored)).toBe(true);
    expect(await verifyPassword('test1234', stored)).toBe(false);
    expect(await hashPassword('test12345')).not.toBe(stored);
  });

  it('reads the cost parameters from the stored text: hashes made at the former cost still verify', async () => {
    const cheap = await hashPassword('pw-123456', { N: 1024, r: 8, p: 1 });
    expect(cheap.startsWith('scrypt$1024$8$1$')).toBe(true);
    expect(await verifyPassword('pw-123456', cheap)).toBe(true);
    const former = await hashPassword('pw-123456', { N: 16_384, r: 8, p: 1 });
    expect(await verifyPassword('pw-123456', former)).toBe(true);
    expect(await verifyPassword('pw-1234567', former)).toBe(false);
  });

  it('refuses stored parameters no hash of ours has (a corrupt row cannot make it allocate gigabytes)', async () => {
    expect(await verifyPassword('x', 'scrypt$1073741824$8$1$AAAA$AAAA')).toBe(false);
    expect(await verifyPassword('x', 'scrypt$1000$8$1$AAAA$AAAA')).toBe(false);
  });

  it('refuses malformed stored values and unknown emails alike', async () => {
    expect(await verifyPassword('x', 'plain-text-password')).toBe(false);
    expect(await verifyPassword('x', 'scrypt$0$8$1$AAAA$AAAA')).toBe(false);
    expect(await verifyAgainstDecoy('anything')).toBe(false);
  });
});
