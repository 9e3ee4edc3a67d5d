import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bearerToken, JwtError, JwtVerifier, signJwt, verifyJwt } from './hs256-jwt.js';

const SECRET = 'a-test-secret-that-is-long-enough-for-hs256';
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('HS256 JWT', () => {
  it('signs tokens any HS256 implementation verifies, and verifies them', () => {
    const token = signJwt({ sub: 'user-1', email: 'a@b.co' }, SECRET, 600, 1_700_000_000_000);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(JSON.parse(Buffer.from(payload, 'base64url').toString())).toEqual({
      sub: 'user-1',
      email: 'a@b.co',
      iat: 1_700_000_000,
      exp: 1_700_000_600,
    });
    expect(signature).toBe(createHmac('sha256', SECRET).update(`${header}.${payload}`).digest('base64url'));
    expect(verifyJwt(token, SECRET, 1_700_000_100_000).sub).toBe('user-1');
  });

  it('refuses expired tokens, other algorithms, other keys and edits', () => {
    const token = signJwt({ sub: 'u' }, SECRET, 60, 1_000_000_000_000);
    expect(() => verifyJwt(token, SECRET, 1_000_000_060_000)).toThrow('expired');
    const fresh = signJwt({ sub: 'u' }, SECRET, 60);
    expect(() => verifyJwt(fresh, `${SECRET}x`)).toThrow('bad signature');
    const [, payload, signature] = fresh.split('.');
    expect(() => verifyJwt(`${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`, SECRET)).toThrow(JwtError);
    expect(() => verifyJwt(`${b64({ alg: 'HS512' })}.${payload}.${signature}`, SECRET)).toThrow(
      'unsupported',
    );
    const edited = b64({ sub: 'admin', iat: 1, exp: 9_999_999_999 });
    expect(() => verifyJwt(`${fresh.split('.')[0]}.${edited}.${signature}`, SECRET)).toThrow('bad signature');
    expect(() => verifyJwt('a.b', SECRET)).toThrow('malformed');
  });

  it('wants a subject, an expiry and a secret of 32 bytes or more', () => {
    const sign = (claims: object) => {
      const header = b64({ alg: 'HS256', typ: 'JWT' });
      const payload = b64(claims);
      return `${header}.${payload}.${createHmac('sha256', SECRET).update(`${header}.${payload}`).digest('base64url')}`;
    };
    expect(() => verifyJwt(sign({ exp: 9_999_999_999 }), SECRET)).toThrow('no subject');
    expect(() => verifyJwt(sign({ sub: 'u' }), SECRET)).toThrow('no expiry');
    expect(() => signJwt({ sub: 'u' }, 'short', 60)).toThrow('at least 32 bytes');
  });

  it('reads bearer tokens from the Authorization header', () => {
    expect(bearerToken('Bearer aa.bb.cc')).toBe('aa.bb.cc');
    expect(bearerToken('bearer   aa.bb.cc ')).toBe('aa.bb.cc');
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });

  it('JwtVerifier remembers good tokens only, and still expires them on time', () => {
    const verifier = new JwtVerifier(SECRET);
    const now = Date.now();
    const token = signJwt({ sub: 'u' }, SECRET, 60, now);
    expect(verifier.verify(token, now).sub).toBe('u');
    expect(verifier.verify(token, now + 1000)).toEqual(verifyJwt(token, SECRET, now + 1000));
    expect(() => verifier.verify(token, now + 60_000)).toThrow('expired');
    expect(() => verifier.verify(token, now + 61_000)).toThrow('expired');
    const [header, payload] = token.split('.');
    const forged = `${header}.${payload}.${'A'.repeat(43)}`;
    expect(() => verifier.verify(forged, now)).toThrow('bad signature');
    expect(() => verifier.verify(forged, now)).toThrow('bad signature');
    expect(() => new JwtVerifier(`${SECRET}x`).verify(token, now)).toThrow('bad signature');
    expect(() => new JwtVerifier('short').verify(token, now)).toThrow('at least 32 bytes');
  });
});
