import { accessSync, constants, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ConnectorConfigMap, ConnectorPlugin } from '../../../api/connector.js';
import { dialectFor } from '../dialect/index.js';
import { parseJdbcUrl, redactUrl } from '../jdbc-url.js';
import { jdbcSinkConfigDef, jdbcSinkProblems, parseJdbcSinkConfig } from './jdbc-sink-config.js';
import { JdbcSinkTask } from './jdbc-sink-task.js';

const VERSION = '10.8.0-msa';

/**
 * Confluent's JDBC sink connector (`io.confluent.connect.jdbc.JdbcSinkConnector`): every task
 * gets the same config; the consumer group splits the topic partitions between them.
 */
export const jdbcSinkPlugin: ConnectorPlugin = {
  className: 'io.confluent.connect.jdbc.JdbcSinkConnector',
  taskClassName: 'io.confluent.connect.jdbc.sink.JdbcSinkTask',
  aliases: ['JdbcSinkConnector', 'JdbcSink'],
  type: 'sink',
  version: VERSION,
  configDef: jdbcSinkConfigDef,
  validate: validateJdbcSink,
  createConnector: () => {
    let config: ConnectorConfigMap = {};
    return {
      version: () => VERSION,
      start: (c) => {
        parseJdbcSinkConfig(c);
        config = c;
      },
      taskConfigs: (maxTasks) => Array.from({ length: maxTasks }, () => ({ ...config })),
      stop: () => {},
    };
  },
  createTask: () => new JdbcSinkTask(),
};

/**
 * The checks that need more than one key or the outside world: the URL and dialect, the pk.mode
 * rules, and whether the database answers with these credentials. Errors are by key.
 */
export async function validateJdbcSink(config: ConnectorConfigMap): Promise<Map<string, string[]>> {
  const problems = jdbcSinkProblems(config);
  const raw = config['connection.url'];
  // Only a config that is otherwise sound is worth a connection attempt.
  if (!raw || problems.has('connection.url') || problems.has('db.timezone')) return problems;
  const url = parseJdbcUrl(raw);
  const add = (key: string, message: string) => problems.set(key, [...(problems.get(key) ?? []), message]);
  if (url.dialect === 'sqlite') {
    // Validation must not create files: check that the file could be created or opened.
    if (url.database !== ':memory:' && !existsSync(url.database) && !creatable(dirname(url.database))) {
      add('connection.url', `Cannot create the SQLite database ${url.database}: its folder is not writable`);
    }
    return problems;
  }
  const dialect = dialectFor(url.dialect);
  const password = config['connection.password'] ?? undefined;
  try {
    const client = await dialect.connect(url, {
      user: config['connection.user'] || undefined,
      password,
      timeZone: config['db.timezone'] || 'UTC',
    });
    await client.close();
  } catch (error) {
    let message = dialect.classifyError(error).message;
    if (password && password.length >= 3) message = message.replaceAll(password, '[hidden]');
    add('connection.url', `Cannot connect to ${redactUrl(url.url)}: ${message}`);
  }
  return problems;
}

function creatable(folder: string): boolean {
  let current = folder;
  for (;;) {
    if (existsSync(current)) {
      try {
        accessSync(current, constants.W_OK);
        return true;
      } catch {
        return false;
      }
    }
    const parent = dirname(current);
    if (parent === current) return false;
    current = parent;
  }
}
