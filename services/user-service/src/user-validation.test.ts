import { describe, expect, it } from 'vitest';
import { checkLogin, checkSignUp } from './user-validation.js';

describe('sign-up and login bodies', () => {
  it('accepts the course’s sign-up and normalises the email', () => {
    expect(checkSignUp({ email: ' Kim@Example.COM ', name: 'Kim', pwd: 'test12345' })).toEqual({
      ok: true,
      value: { email: 'kim@example.com', name: 'Kim', pwd: 'test12345' },
    });
  });

  it('lists every problem', () => {
    const checked = checkSignUp({ email: 'nope', name: '', pwd: 'short' });
    expect(checked.ok).toBe(false);
    if (!checked.ok) {
      expect(checked.problems.map((p) => p.field)).toEqual(['email', 'name', 'pwd']);
    }
    expect(checkSignUp({ email: 1, name: 2, pwd: 3 })).toMatchObject({ ok: false });
    expect(checkSignUp([])).toMatchObject({ ok: false });
  });

  it('needs email and password to log in', () => {
    expect(checkLogin({ email: 'A@b.co', password: 'x' })).toEqual({
      ok: true,
      value: { email: 'a@b.co', password: 'x' },
    });
    expect(checkLogin({ email: 'a@b.co' })).toMatchObject({ ok: false });
  });
});
