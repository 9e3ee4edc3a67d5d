import { describe, expect, it } from 'vitest';
import { compareVersions, InvalidVersionSpec, versionRequirement } from './plugin-version.js';

describe('plugin version requirements (Maven ranges, as Apache 4.x reads *.plugin.version)', () => {
  it('no value or latest: any version', () => {
    expect(versionRequirement(null)).toBeNull();
    expect(versionRequirement(undefined)).toBeNull();
    expect(versionRequirement('latest')).toBeNull();
  });

  it('a bare version is exactly that version', () => {
    const exact = versionRequirement(' 4.4.0 ');
    expect(exact?.text).toBe('[4.4.0]');
    expect(exact?.contains('4.4.0')).toBe(true);
    expect(exact?.contains('4.4')).toBe(true);
    expect(exact?.contains('4.4.1')).toBe(false);
    expect(exact?.contains('4.3.1')).toBe(false);
  });

  it.each([
    ['[4.0,5.0)', '4.4.0', true],
    ['[4.0,5.0)', '5.0', false],
    ['[4.0,5.0]', '5.0.0', true],
    ['(4.4.0,5.0)', '4.4.0', false],
    ['(,4.4.0]', '4.4.0', true],
    ['(,4.4.0)', '4.4.0', false],
    ['[4.5,)', '4.4.0', false],
    ['[4.4.0]', '4.4.0', true],
    ['[1.0,2.0),[4.0,)', '4.4.0', true],
    ['[1.0,2.0),[5.0,)', '4.4.0', false],
    ['[10.8,10.9)', '10.8.0-msa', true],
    ['[10.8.0-msa]', '10.8.0-msa', true],
    ['[4.4.0-rc1,4.4.0]', '4.4.0', true],
    ['(4.4.0,4.5)', '4.4.0-msa', true],
  ])('%s contains %s: %s', (spec, version, expected) => {
    expect(versionRequirement(spec)?.contains(version)).toBe(expected);
  });

  it.each([
    ['[4.0,5.0', 'Unbounded range: [4.0,5.0'],
    ['(4.4.0)', 'Single version must be surrounded by []: (4.4.0)'],
    ['[4.0,4.0]', 'Range cannot have identical boundaries: [4.0,4.0]'],
    ['[5.0,4.0]', 'Range defies version ordering: [5.0,4.0]'],
    ['[1.0,2.0),3.0', 'Only fully-qualified sets allowed in multiple set scenario: [1.0,2.0),3.0'],
    ['[1.0,3.0),[2.0,4.0)', 'Ranges overlap: [1.0,3.0),[2.0,4.0)'],
  ])('refuses %s', (spec, message) => {
    expect(() => versionRequirement(spec)).toThrow(InvalidVersionSpec);
    expect(() => versionRequirement(spec)).toThrow(message);
  });

  it('orders versions like Maven for the forms plugins use', () => {
    expect(compareVersions('4.4.0', '4.4')).toBe(0);
    expect(compareVersions('4.10.0', '4.9.1')).toBe(1);
    expect(compareVersions('4.4.0-rc1', '4.4.0')).toBe(-1);
    expect(compareVersions('4.4.0-SNAPSHOT', '4.4.0')).toBe(-1);
    expect(compareVersions('4.4.0-alpha', '4.4.0-beta')).toBe(-1);
    expect(compareVersions('10.8.0-msa', '10.8.0')).toBe(1);
    expect(compareVersions('10.8.0-msa', '10.8.1')).toBe(-1);
  });
});
