import { describe, expect, it } from 'vitest';
import { createFileStreamSourcePlugin } from '../connectors/file/file-stream-source.js';
import { jdbcSourcePlugin } from '../connectors/jdbc/source/jdbc-source-plugin.js';
import { ConfigDef } from './config-def.js';
import {
  type ConnectorValidationRequest,
  sourceConnectorConfigDef,
  validateConnectorConfig,
} from './connector-config.js';

const connectorDef = new ConfigDef().define({
  name: 'file',
  type: 'STRING',
  default: null,
  importance: 'LOW',
  documentation: 'file',
});
const source = { name: 'src', 'connector.class': 'FileStreamSource', file: '/tmp/x' };

function errors(
  props: Record<string, string>,
  options: Partial<ConnectorValidationRequest> = {},
): Record<string, string[]> {
  const infos = validateConnectorConfig({ props, type: 'source', connectorDef, ...options });
  return Object.fromEntries(
    infos.configs.filter((c) => c.value.errors.length > 0).map((c) => [c.value.name, c.value.errors]),
  );
}

describe("Apache's exactly-once source connector keys", () => {
  it('are defined with documentation, case-insensitive values and the validators Apache has', () => {
    const keys = sourceConnectorConfigDef().keys();
    for (const name of [
      'exactly.once.support',
      'transaction.boundary',
      'transaction.boundary.interval.ms',
      'offsets.storage.topic',
    ]) {
      expect(keys.get(name)?.documentation.length).toBeGreaterThan(40);
    }
    expect(keys.get('exactly.once.support')?.validator?.description).toBe(
      '(case insensitive) [REQUESTED, REQUIRED]',
    );
    expect(keys.get('transaction.boundary')?.validator?.description).toBe(
      '(case insensitive) [POLL, INTERVAL, CONNECTOR]',
    );
    expect(
      errors({ ...source, 'exactly.once.support': 'REQUESTED', 'transaction.boundary': 'Interval' }),
    ).toEqual({});
    expect(
      errors({
        ...source,
        'exactly.once.support': 'maybe',
        'transaction.boundary': 'batch',
        'transaction.boundary.interval.ms': '-1',
        'offsets.storage.topic': '',
      }),
    ).toEqual({
      'exactly.once.support': [
        'Invalid value maybe for configuration exactly.once.support: String must be one of (case insensitive): REQUESTED, REQUIRED',
      ],
      'transaction.boundary': [
        'Invalid value batch for configuration transaction.boundary: String must be one of (case insensitive): POLL, INTERVAL, CONNECTOR',
      ],
      'transaction.boundary.interval.ms': [
        'Invalid value -1 for configuration transaction.boundary.interval.ms: Value must be at least 0',
      ],
      'offsets.storage.topic': [
        'Invalid value  for configuration offsets.storage.topic: String must be non-empty',
      ],
    });
  });

  it("exactly.once.support=required: the connector must say SUPPORTED and the worker run exactly-once sources (Apache's messages)", () => {
    const required = { ...source, 'exactly.once.support': 'required' };
    expect(errors(required, { exactlyOnceSupport: () => 'SUPPORTED' })).toEqual({});
    expect(errors(required, { exactlyOnceSupport: () => 'UNSUPPORTED' })).toEqual({
      'exactly.once.support': [
        'The connector does not support exactly-once semantics with the provided configuration.',
      ],
    });
    expect(errors(required)['exactly.once.support']?.[0]).toMatch(
      /^The connector does not implement the API required for preflight validation of exactly-once source support\./,
    );
    expect(
      errors(required, {
        exactlyOnceSupport: () => {
          throw new Error('no file ');
        },
      }),
    ).toEqual({ 'exactly.once.support': ['An unexpected error occurred during validation: no file'] });
    expect(errors(required, { exactlyOnceSource: false, exactlyOnceSupport: () => 'SUPPORTED' })).toEqual({
      'exactly.once.support': ['This worker does not have exactly-once source support enabled.'],
    });
    // 'requested' asks nothing of the worker or the connector.
    expect(errors({ ...source, 'exactly.once.support': 'requested' }, { exactlyOnceSource: false })).toEqual(
      {},
    );
  });

  it('transaction.boundary=connector is refused: no msa-sync connector defines its own boundaries', () => {
    expect(errors({ ...source, 'transaction.boundary': 'connector' })).toEqual({
      'transaction.boundary': [
        'The connector does not support connector-defined transaction boundaries with the given configuration. Please reconfigure it to use a different transaction boundary definition.',
      ],
    });
  });

  it('keys Apache would ignore are refused: boundaries without exactly-once, an interval without interval', () => {
    const off = { exactlyOnceSource: false };
    for (const [key, value] of [
      ['transaction.boundary', 'poll'],
      ['transaction.boundary.interval.ms', '1000'],
    ] as const) {
      expect(errors({ ...source, [key]: value }, off)[key]?.[0]).toMatch(
        /^This worker does not have exactly-once source support enabled \(exactly\.once\.source\.support\)/,
      );
    }
    // A connector's own offsets topic works without exactly-once too (as in Apache's distributed mode).
    expect(errors({ ...source, 'offsets.storage.topic': 'my-offsets' }, off)).toEqual({});
    expect(errors({ ...source, 'transaction.boundary.interval.ms': '1000' })).toEqual({
      'transaction.boundary.interval.ms': [
        "'transaction.boundary.interval.ms' applies only with transaction.boundary=interval (here: poll); Apache Connect would ignore it, msa-sync refuses it.",
      ],
    });
    expect(
      errors({ ...source, 'transaction.boundary': 'interval', 'transaction.boundary.interval.ms': '1000' }),
    ).toEqual({});
  });

  it("are not a sink connector's keys", () => {
    const sink = { name: 'snk', 'connector.class': 'FileStreamSink', topics: 't' };
    for (const key of [
      'exactly.once.support',
      'transaction.boundary',
      'transaction.boundary.interval.ms',
      'offsets.storage.topic',
    ]) {
      const infos = validateConnectorConfig({ props: { ...sink, [key]: 'poll' }, type: 'sink' });
      expect(infos.configs.find((c) => c.value.name === key)?.value.errors).toEqual([
        `'${key}' applies to source connectors only: Connect's sink connector config does not define it, and msa-sync refuses keys it would ignore.`,
      ]);
      expect(infos.configs.find((c) => c.value.name === key)?.definition.group).toBeNull();
    }
  });
});

describe("the built-in source connectors' exactlyOnceSupport", () => {
  it('FileStreamSource: SUPPORTED for a file, as Apache', () => {
    const plugin = createFileStreamSourcePlugin(['/tmp']);
    expect(plugin.exactlyOnceSupport?.({ file: '/tmp/a.txt', topic: 't' })).toBe('SUPPORTED');
    expect(plugin.exactlyOnceSupport?.({ topic: 't' })).toBe('UNSUPPORTED');
  });

  it('JDBC source: SUPPORTED in the incremental modes (offsets say what was sent), not in bulk', () => {
    for (const mode of ['incrementing', 'timestamp', 'timestamp+incrementing']) {
      expect(jdbcSourcePlugin.exactlyOnceSupport?.({ mode })).toBe('SUPPORTED');
    }
    expect(jdbcSourcePlugin.exactlyOnceSupport?.({ mode: 'bulk' })).toBe('UNSUPPORTED');
  });
});
