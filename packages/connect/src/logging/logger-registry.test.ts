import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { isValidLogLevel, normalizeLogLevel, toPinoLevel } from './log-levels.js';
import { LoggerRegistry } from './logger-registry.js';
import { redactConfig, redactJsonLine, redactText } from './redaction.js';

function registry(level = 'INFO') {
  const lines: Array<Record<string, unknown>> = [];
  let clock = 1000;
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(JSON.parse(String(chunk)));
      callback();
    },
  });
  const loggers = new LoggerRegistry({ level, destination, now: () => clock++ });
  return { loggers, lines };
}

describe('log levels', () => {
  it('map Connect/log4j names to pino, case-insensitively', () => {
    expect(toPinoLevel('OFF')).toBe('silent');
    expect(toPinoLevel('WARN')).toBe('warn');
    expect(toPinoLevel('ALL')).toBe('trace');
    expect(normalizeLogLevel('debug')).toBe('DEBUG');
    expect(normalizeLogLevel('silent')).toBe('OFF');
    expect(isValidLogLevel('Trace')).toBe(true);
    expect(isValidLogLevel('LOUD')).toBe(false);
    expect(isValidLogLevel('')).toBe(false);
  });
});

describe('LoggerRegistry', () => {
  it('tells its listeners after each level change, until they are removed', () => {
    const { loggers } = registry('INFO');
    let calls = 0;
    const remove = loggers.onLevelsChanged(() => {
      calls++;
      expect(loggers.effectiveLevel('a.b')).toBe('DEBUG');
    });
    loggers.setLevel('a.b', 'DEBUG');
    expect(calls).toBe(1);
    remove();
    loggers.setLevel('a.b', 'INFO');
    expect(calls).toBe(1);
  });

  it('named loggers inherit the root level and carry their name', () => {
    const { loggers, lines } = registry('INFO');
    const worker = loggers.getLogger('org.msa.connect.worker.Worker');
    worker.debug('hidden');
    worker.info('shown');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ msg: 'shown', logger: 'org.msa.connect.worker.Worker', level: 30 });
    expect(loggers.getLogger('org.msa.connect.worker.Worker')).toBe(worker);
  });

  it('a level set on a parent applies to existing descendants and to loggers created later', () => {
    const { loggers, lines } = registry('INFO');
    const task = loggers.getLogger('org.msa.connect.worker.WorkerSinkTask');
    const rest = loggers.getLogger('org.msa.connect.rest');
    const changed = loggers.setLevel('org.msa.connect.worker', 'DEBUG');
    expect(changed).toEqual(['org.msa.connect.worker', 'org.msa.connect.worker.WorkerSinkTask']);
    task.debug('task debug');
    rest.debug('rest debug');
    loggers.getLogger('org.msa.connect.worker.offsets.OffsetCommitter').debug('new child debug');
    expect(lines.map((l) => l.msg)).toEqual(['task debug', 'new child debug']);
    // setting the same level again changes nothing
    expect(loggers.setLevel('org.msa.connect.worker', 'debug')).toEqual([]);
  });

  it('root changes everything; OFF silences and drops the logger from the list', () => {
    const { loggers, lines } = registry('INFO');
    const a = loggers.getLogger('a.b');
    expect(loggers.setLevel('root', 'ERROR')).toEqual(['a.b', 'root']);
    a.warn('dropped');
    a.error('kept');
    expect(lines.map((l) => l.msg)).toEqual(['kept']);
    loggers.setLevel('a.b', 'OFF');
    a.fatal('silenced');
    expect(lines).toHaveLength(1);
    expect(Object.keys(loggers.allLevels())).toEqual(['root']);
  });

  it('answers level and allLevels as Connect does (sorted, last_modified null until changed)', () => {
    const { loggers } = registry('WARN');
    loggers.getLogger('z.last');
    loggers.getLogger('a.first');
    expect(loggers.allLevels()).toEqual({
      'a.first': { level: 'WARN', last_modified: null },
      root: { level: 'WARN', last_modified: null },
      'z.last': { level: 'WARN', last_modified: null },
    });
    expect(Object.keys(loggers.allLevels())).toEqual(['a.first', 'root', 'z.last']);
    loggers.setLevel('a', 'TRACE');
    expect(loggers.level('a')).toEqual({ level: 'TRACE', last_modified: 1000 });
    expect(loggers.level('a.first')).toEqual({ level: 'TRACE', last_modified: 1000 });
    expect(loggers.level('ROOT')).toEqual({ level: 'WARN', last_modified: null });
    expect(loggers.level('nobody.knows')).toBeUndefined();
    expect(() => loggers.setLevel('a', 'LOUD')).toThrow("Unknown log level 'LOUD'");
  });

  it('never writes secrets: password-like keys, JDBC URL passwords, user:pass@ in URLs', () => {
    const { loggers, lines } = registry('INFO');
    const log = loggers.getLogger('org.msa.connect.rest');
    log.info(
      {
        config: {
          'connection.url': 'jdbc:mysql://db:3306/shop?user=app&password=hunter2',
          'connection.password': 'test1357',
          'sasl.jaas.config':
            'org.apache.kafka.common.security.plain.PlainLoginModule required password="x9";',
          'tasks.max': 1,
        },
      },
      'Creating connector with url postgresql://app:s3cr3t@db/shop',
    );
    const line = JSON.stringify(lines[0]);
    for (const secret of ['hunter2', 'test1357', 'x9', 's3cr3t']) expect(line).not.toContain(secret);
    expect(lines[0]?.config).toEqual({
      'connection.url': 'jdbc:mysql://db:3306/shop?user=app&password=[hidden]',
      'connection.password': '[hidden]',
      'sasl.jaas.config': '[hidden]',
      'tasks.max': 1,
    });
    expect(lines[0]?.msg).toBe('Creating connector with url postgresql://app:[hidden]@db/shop');
  });
});

describe('redaction helpers', () => {
  it('work on config maps, text and serialized lines', () => {
    expect(
      redactConfig({ 'connection.user': 'app', 'connection.password': 'pw', 'api.secret': 's' }),
    ).toEqual({
      'connection.user': 'app',
      'connection.password': '[hidden]',
      'api.secret': '[hidden]',
    });
    expect(redactText('jdbc:mariadb://h/db?user=a&password=b;x=1')).toBe(
      'jdbc:mariadb://h/db?user=a&password=[hidden];x=1',
    );
    expect(redactJsonLine('{"pwd":"abc","n":1,"list":["password","x"]}')).toBe(
      '{"pwd":"[hidden]","n":1,"list":["password","x"]}',
    );
  });
});
