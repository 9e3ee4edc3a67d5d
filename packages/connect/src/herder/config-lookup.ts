/**
 * How the distributed herder finds a connector's config, as Apache Connect's herder does: reads
 * answer from the worker's in-memory view of the config topic (tailed continuously), writes read
 * the topic to its end first so they act on every change written before them.
 *
 * A read that misses also reads to the end before answering 404: a connector created through any
 * worker (this one, or the leader this one forwarded to) is in the topic once its 201 was sent,
 * so a GET that follows it finds it even if the tail had not applied it yet. Hits, the common
 * case, cost no round trip.
 */
export async function lookupConnectorConfig(
  configs: ReadonlyMap<string, Record<string, string>>,
  name: string,
  readToEnd: () => Promise<void>,
  fresh: boolean,
): Promise<Record<string, string> | undefined> {
  if (!fresh) {
    const held = configs.get(name);
    if (held) return held;
  }
  await readToEnd();
  return configs.get(name);
}
