import { describe, expect, it } from 'vitest';
import { DEFAULT_BOOTSTRAP_SERVERS, parseBootstrapServers, resolveBootstrapServers } from './bootstrap.js';

describe('bootstrap servers', () => {
  it('parses Kafka host:port lists, IPv6 in brackets, ignoring blanks', () => {
    expect(parseBootstrapServers('localhost:9092')).toEqual(['localhost:9092']);
    expect(parseBootstrapServers(' a:1, b.example:65535 ,')).toEqual(['a:1', 'b.example:65535']);
    expect(parseBootstrapServers('[::1]:9092')).toEqual(['[::1]:9092']);
  });

  it('rejects what is not host:port with the value in the message', () => {
    expect(() => parseBootstrapServers('')).toThrow(/empty list/);
    expect(() => parseBootstrapServers('localhost')).toThrow(/'localhost' is not host:port/);
    expect(() => parseBootstrapServers('h:0')).toThrow(/not host:port/);
    expect(() => parseBootstrapServers('h:70000')).toThrow(/not host:port/);
    expect(() => parseBootstrapServers('h:12ab')).toThrow(/not host:port/);
  });

  it('prefers the explicit value, then KAFKA_BOOTSTRAP_SERVERS, then the local default', () => {
    expect(resolveBootstrapServers('x:1', { KAFKA_BOOTSTRAP_SERVERS: 'y:2' })).toEqual(['x:1']);
    expect(resolveBootstrapServers(undefined, { KAFKA_BOOTSTRAP_SERVERS: 'y:2,z:3' })).toEqual([
      'y:2',
      'z:3',
    ]);
    expect(resolveBootstrapServers(null, {})).toEqual([DEFAULT_BOOTSTRAP_SERVERS]);
  });
});
