import { dialectFor, parseJdbcUrl } from '@msa-sync/sql';
import type { ConnectorConfigMap, ConnectorPlugin } from '../../../api/connector.js';
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
  const password = config['connection.password'] ?? undefined;
  // The dialect checks without side effects (SQLite: that the file could be created, not creating it).
  const problem = await dialectFor(url.dialect).connectionProblem(url, {
    user: config['connection.user'] || undefined,
    password,
    timeZone: config['db.timezone'] || 'UTC',
  });
  if (problem) {
    const message = password && password.length >= 3 ? problem.replaceAll(password, '[hidden]') : problem;
    problems.set('connection.url', [...(problems.get('connection.url') ?? []), message]);
  }
  return problems;
}
