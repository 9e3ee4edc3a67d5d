import { describe, expect, it } from 'vitest';
import { authRequirement } from './route-auth.js';

describe('authRequirement', () => {
  it('leaves sign-up, login, the catalog and health public', () => {
    expect(authRequirement('user-service', 'POST', '/users')).toEqual({ kind: 'public' });
    expect(authRequirement('user-service', 'POST', '/login')).toEqual({ kind: 'public' });
    expect(authRequirement('catalog-service', 'GET', '/catalogs')).toEqual({ kind: 'public' });
    expect(authRequirement('order-service', 'GET', '/health')).toEqual({ kind: 'public' });
    expect(authRequirement('user-service', 'GET', '/metrics')).toEqual({ kind: 'public' });
  });

  it('asks for the path user’s own token on user details and orders', () => {
    expect(authRequirement('user-service', 'GET', '/users/u-1')).toEqual({ kind: 'token', subject: 'u-1' });
    expect(authRequirement('order-service', 'POST', '/u-1/orders')).toEqual({
      kind: 'token',
      subject: 'u-1',
    });
    expect(authRequirement('order-service', 'GET', '/u%2D1/orders')).toEqual({
      kind: 'token',
      subject: 'u-1',
    });
  });

  it('asks for the admin role to list every user', () => {
    expect(authRequirement('user-service', 'GET', '/users/')).toEqual({ kind: 'token', role: 'admin' });
    expect(authRequirement('user-service', 'POST', '/users')).toEqual({ kind: 'public' });
  });

  it('asks for a token on everything else', () => {
    expect(authRequirement('user-service', 'GET', '/login')).toEqual({ kind: 'token' });
    expect(authRequirement('order-service', 'GET', '/anything')).toEqual({ kind: 'token' });
    expect(authRequirement('unknown-service', 'GET', '/')).toEqual({ kind: 'token' });
  });
});
