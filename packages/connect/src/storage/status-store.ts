import type { ClientSettings } from '@msa-sync/kafka';
import type { Logger } from 'pino';
import type { ConnectorState } from '../herder/types.js';
import { KafkaBasedLog } from './kafka-based-log.js';

export interface Status {
  state: ConnectorState;
  trace: string | null;
  worker_id: string;
  generation: number;
  /** The plugin's version (Connect 4.x writes it, KIP-891); absent in records of older workers. */
  version?: string;
}

/**
 * Connector and task states in the status topic, keyed as Connect keys them
 * (`status-connector-<name>`, `status-task-<name>-<id>`), so any worker can answer for any other.
 */
export class KafkaStatusBackingStore {
  readonly #log: KafkaBasedLog;
  readonly #connectors = new Map<string, Status>();
  readonly #tasks = new Map<string, Map<number, Status>>();
  readonly #topics = new Map<string, Set<string>>();

  constructor(options: { topic: string; client: ClientSettings; logger: Logger }) {
    const logger = options.logger.child({ store: 'status' });
    this.#log = new KafkaBasedLog({
      topic: options.topic,
      client: { ...options.client, clientId: `${options.client.clientId}-statuses` },
      logger,
      onRecord: (record) => {
        if (!record.key) return;
        const key = record.key.toString('utf8');
        const value = record.value
          ? (JSON.parse(record.value.toString('utf8')) as Record<string, unknown>)
          : null;
        this.#apply(key, value);
      },
    });
  }

  #apply(key: string, value: Record<string, unknown> | null): void {
    if (key.startsWith('status-connector-')) {
      const name = key.slice('status-connector-'.length);
      if (!value) this.#connectors.delete(name);
      else if (supersedes(value as unknown as Status, this.#connectors.get(name)))
        this.#connectors.set(name, value as unknown as Status);
      return;
    }
    const task = /^status-task-(.+)-(\d+)$/.exec(key);
    if (task) {
      const [, name, id] = task as unknown as [string, string, string];
      const tasks = this.#tasks.get(name) ?? new Map<number, Status>();
      if (!value) tasks.delete(Number(id));
      else if (supersedes(value as unknown as Status, tasks.get(Number(id))))
        tasks.set(Number(id), value as unknown as Status);
      this.#tasks.set(name, tasks);
      return;
    }
    const topic = /^status-topic-(.+):connector-(.+)$/.exec(key);
    if (topic) {
      const [, topicName, name] = topic as unknown as [string, string, string];
      const set = this.#topics.get(name) ?? new Set<string>();
      if (value) set.add(topicName);
      else set.delete(topicName);
      this.#topics.set(name, set);
    }
  }

  start(): Promise<void> {
    return this.#log.start();
  }

  stop(): Promise<void> {
    return this.#log.stop();
  }

  refresh(): Promise<void> {
    return this.#log.readToEnd();
  }

  connector(name: string): Status | undefined {
    return this.#connectors.get(name);
  }

  tasks(name: string): Map<number, Status> {
    return this.#tasks.get(name) ?? new Map();
  }

  activeTopics(name: string): string[] {
    return [...(this.#topics.get(name) ?? [])].sort();
  }

  async putConnector(name: string, status: Status): Promise<void> {
    this.#connectors.set(name, status);
    await this.#log.send(`status-connector-${name}`, JSON.stringify(status));
  }

  async putTask(name: string, task: number, status: Status): Promise<void> {
    const tasks = this.#tasks.get(name) ?? new Map<number, Status>();
    tasks.set(task, status);
    this.#tasks.set(name, tasks);
    await this.#log.send(`status-task-${name}-${task}`, JSON.stringify(status));
  }

  async putTopic(name: string, topic: string, task: number): Promise<void> {
    if (this.#topics.get(name)?.has(topic)) return;
    const set = this.#topics.get(name) ?? new Set<string>();
    set.add(topic);
    this.#topics.set(name, set);
    await this.#log.send(
      `status-topic-${topic}:connector-${name}`,
      JSON.stringify({ topic: { name: topic, connector: name, task, discoverTimestamp: Date.now() } }),
    );
  }

  async resetTopics(name: string): Promise<void> {
    const topics = [...(this.#topics.get(name) ?? [])];
    this.#topics.delete(name);
    await Promise.all(topics.map((topic) => this.#log.send(`status-topic-${topic}:connector-${name}`, null)));
  }

  /** Forgets a deleted connector everywhere. */
  async remove(name: string, taskCount: number): Promise<void> {
    this.#connectors.delete(name);
    const tasks = [...this.tasks(name).keys(), ...Array.from({ length: taskCount }, (_, i) => i)];
    this.#tasks.delete(name);
    await this.#log.send(`status-connector-${name}`, null);
    await Promise.all([...new Set(tasks)].map((t) => this.#log.send(`status-task-${name}-${t}`, null)));
  }
}

/**
 * Whether a status record replaces the one held: a worker evicted from the group (a zombie that
 * was frozen past session.timeout.ms) still reports on the tasks it ran, stamped with its old
 * generation; those reports must not hide the state the tasks' new owner wrote.
 */
function supersedes(next: Status, held: Status | undefined): boolean {
  return (
    held === undefined ||
    next.worker_id === held.worker_id ||
    typeof next.generation !== 'number' ||
    typeof held.generation !== 'number' ||
    next.generation >= held.generation
  );
}
