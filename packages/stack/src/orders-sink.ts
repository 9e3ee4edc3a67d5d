/**
 * The JDBC sink connector that writes the `orders` topic into the shared database's `orders`
 * table (the seed's fix): upsert on order_id, so a redelivered record rewrites its own row and
 * never adds one. Registered through the worker's REST API, the way the seed does with curl.
 */
export const JDBC_SINK_CLASS = 'io.confluent.connect.jdbc.JdbcSinkConnector';
export const ORDERS_SINK_NAME = 'orders-sink';

export function ordersSinkConfig(
  databaseUrl: string,
  options: { topic?: string; user?: string | undefined; password?: string | undefined } = {},
): Record<string, string> {
  return {
    'connector.class': JDBC_SINK_CLASS,
    'tasks.max': '1',
    topics: options.topic ?? 'orders',
    'connection.url': databaseUrl,
    ...(options.user ? { 'connection.user': options.user } : {}),
    ...(options.password ? { 'connection.password': options.password } : {}),
    'insert.mode': 'upsert',
    'pk.mode': 'record_value',
    'pk.fields': 'order_id',
    'auto.create': 'true',
    'auto.evolve': 'true',
    'delete.enabled': 'false',
    // Whatever the topic is called, the rows go to `orders` (the table order-service reads).
    'table.name.format': 'orders',
    // Keys are plain order ids, not JSON envelopes.
    'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
    'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'value.converter.schemas.enable': 'true',
    // order-service publishes each order in a transaction; an aborted one must not become a row.
    'consumer.override.isolation.level': 'read_committed',
  };
}

export type SinkRegistration = 'created' | 'updated' | 'unchanged' | 'plugin-missing';

/** True when the worker lists the JDBC sink among its plugins. */
export async function hasJdbcSink(connectUrl: string): Promise<boolean> {
  const response = await fetch(`${connectUrl}/connector-plugins`, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) {
    throw Object.assign(new Error(`GET ${connectUrl}/connector-plugins answered ${response.status}`), {
      status: response.status,
    });
  }
  const plugins = (await response.json()) as { class: string }[];
  return plugins.some((p) => p.class === JDBC_SINK_CLASS);
}

/** Creates the connector, or updates its config when it exists (PUT is both, as in Connect). */
export async function registerOrdersSink(
  connectUrl: string,
  config: Record<string, string>,
  name = ORDERS_SINK_NAME,
): Promise<SinkRegistration> {
  if (!(await hasJdbcSink(connectUrl))) return 'plugin-missing';
  const path = `${connectUrl}/connectors/${encodeURIComponent(name)}/config`;
  const current = await fetch(path, { signal: AbortSignal.timeout(10_000) });
  if (current.ok) {
    const existing = (await current.json()) as Record<string, string>;
    // An unchanged PUT would still restart the connector: leave a running one alone.
    if (Object.entries(config).every(([k, v]) => existing[k] === v)) return 'unchanged';
  } else {
    await current.arrayBuffer();
  }
  const response = await fetch(path, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(config),
    signal: AbortSignal.timeout(60_000),
  });
  if (response.status !== 200 && response.status !== 201) {
    throw Object.assign(
      new Error(`Registering ${name} failed: ${response.status} ${await response.text()}`),
      {
        status: response.status,
      },
    );
  }
  return response.status === 201 ? 'created' : 'updated';
}

/**
 * registerOrdersSink, tried again while the worker answers 5xx or not at all: a worker that has
 * just started answers REST before its Kafka clients are all connected (`metadata failed` as a
 * 500), and Connect itself says a 5xx may be retried. A 4xx (a config the worker refuses) is
 * final at once. Throws the last failure once `deadlineMs` has passed.
 */
export async function registerOrdersSinkPatiently(
  connectUrl: string,
  config: Record<string, string>,
  options: { deadlineMs?: number; intervalMs?: number; name?: string } = {},
): Promise<SinkRegistration> {
  const deadline = Date.now() + (options.deadlineMs ?? 60_000);
  for (;;) {
    try {
      return await registerOrdersSink(connectUrl, config, options.name);
    } catch (error) {
      const status = (error as { status?: number }).status;
      if ((status !== undefined && status < 500) || Date.now() >= deadline) throw error;
      await new Promise((r) => setTimeout(r, options.intervalMs ?? 2000));
    }
  }
}
