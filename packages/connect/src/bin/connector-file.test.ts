import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConnectorFile, readConnectorFile } from './connector-file.js';

describe('connector files on the connect-standalone command line', () => {
  it('reads Java properties', () => {
    const file = parseConnectorFile(
      '# a source\nname=local-file-source\nconnector.class=FileStreamSource\ntasks.max: 1\nfile=/tmp/in.txt\n',
      'source.properties',
    );
    expect(file).toEqual({
      name: 'local-file-source',
      config: {
        name: 'local-file-source',
        'connector.class': 'FileStreamSource',
        'tasks.max': '1',
        file: '/tmp/in.txt',
      },
      initialState: undefined,
    });
  });

  it('reads a JSON map of config values, numbers and booleans as strings (as Jackson does)', () => {
    const file = parseConnectorFile(
      '{"name": "s", "connector.class": "FileStreamSink", "tasks.max": 2, "errors.log.enable": true}',
      's.json',
    );
    expect(file.name).toBe('s');
    expect(file.config).toEqual({
      name: 's',
      'connector.class': 'FileStreamSink',
      'tasks.max': '2',
      'errors.log.enable': 'true',
    });
  });

  it('reads a JSON create request with its initial_state, and puts the name into the config', () => {
    const file = parseConnectorFile(
      JSON.stringify({
        name: 'sink',
        config: { 'connector.class': 'FileStreamSink', topics: 't' },
        initial_state: 'paused',
      }),
      'sink.json',
    );
    expect(file).toEqual({
      name: 'sink',
      config: { name: 'sink', 'connector.class': 'FileStreamSink', topics: 't' },
      initialState: 'PAUSED',
    });
  });

  it('refuses, naming the file, what Apache refuses', () => {
    expect(() => parseConnectorFile('connector.class=FileStreamSource\n', '/x/a.properties')).toThrow(
      "Connector configuration at '/x/a.properties' is missing the mandatory 'name' configuration",
    );
    expect(() => parseConnectorFile('{"connector.class": "FileStreamSource"}', 'b.json')).toThrow(
      /'b.json' is missing the mandatory 'name'/,
    );
    expect(() =>
      parseConnectorFile('{"name": "a", "config": {"name": "b", "connector.class": "X"}}', 'c.json'),
    ).toThrow(/'c.json' has a 'name' in 'config' \(b\) that differs from its 'name' \(a\)/);
    expect(() => parseConnectorFile('{"name": "a", "connector.class": ', 'd.json')).toThrow(
      /'d.json' is not valid JSON/,
    );
    expect(() => parseConnectorFile('{"name": "a", "tasks": [1]}', 'e.json')).toThrow(
      /'e.json' is not a connector configuration: .*must be a string, but was an array/,
    );
    expect(() =>
      parseConnectorFile('{"name": "a", "config": {"x": "y"}, "initial_state": "GONE"}', 'f.json'),
    ).toThrow(/'f.json' is not a connector configuration: Invalid initial_state 'GONE'/);
  });

  it('names a file it cannot read', () => {
    const missing = join(mkdtempSync(join(tmpdir(), 'msa-cf-')), 'nope.properties');
    expect(() => readConnectorFile(missing)).toThrow(`Cannot read connector configuration ${missing}`);
    const ok = join(mkdtempSync(join(tmpdir(), 'msa-cf-')), 'ok.properties');
    writeFileSync(ok, 'name=ok\nconnector.class=FileStreamSource\n');
    expect(readConnectorFile(ok).name).toBe('ok');
  });
});
