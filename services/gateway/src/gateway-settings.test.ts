import { SettingsError } from '@msa-sync/service-runtime';
import { describe, expect, it } from 'vitest';
import { gatewaySettings } from './gateway.js';

const SECRET = 'a-test-secret-that-is-long-enough-for-hs256';

describe('gateway settings', () => {
  it('refuses to run an open registry: no REGISTRY_TOKEN (or a short one) is a settings error', () => {
    expect(() => gatewaySettings({}, SECRET)).toThrow(SettingsError);
    expect(() => gatewaySettings({}, SECRET)).toThrow(/REGISTRY_TOKEN is not set/);
    expect(() => gatewaySettings({ REGISTRY_TOKEN: '' }, SECRET)).toThrow(/REGISTRY_TOKEN is not set/);
    expect(() => gatewaySettings({ REGISTRY_TOKEN: 'short' }, SECRET)).toThrow(/at least 16/);
    expect(gatewaySettings({ REGISTRY_TOKEN: 'x'.repeat(16) }, SECRET).registryToken).toBe('x'.repeat(16));
  });

  it('caps answers at 10 MiB and requests at 30 s unless told otherwise, and checks the values', () => {
    const env = { REGISTRY_TOKEN: 'x'.repeat(32) };
    expect(gatewaySettings(env, SECRET)).toMatchObject({
      maxResponseBytes: 10 * 1024 * 1024,
      requestDeadlineMs: 30_000,
    });
    expect(
      gatewaySettings(
        { ...env, GATEWAY_MAX_RESPONSE_BYTES: '2048', GATEWAY_REQUEST_DEADLINE_MS: '5000' },
        SECRET,
      ),
    ).toMatchObject({ maxResponseBytes: 2048, requestDeadlineMs: 5000 });
    expect(() => gatewaySettings({ ...env, GATEWAY_MAX_RESPONSE_BYTES: 'lots' }, SECRET)).toThrow(
      SettingsError,
    );
  });
});
