import type { ClientSettings, KafkaClients } from '@msa-sync/kafka';
import type { Logger } from 'pino';
import { KafkaBasedLog } from './kafka-based-log.js';
import type { Status, StatusBackingStore } from './status-backing-store.js';
import { StatusView } from './status-view.js';

/**
 * Connector and task states in the status topic, keyed as Connect keys them
 * (`status-connector-<name>`, `status-task-<name>-<id>`), so any worker can answer for any other.
 */
export class KafkaStatusBackingStore implements StatusBackingStore {
  readonly #log: KafkaBasedLog;
  readonly #view = new StatusView();

  constructor(options: { topic: string; client: ClientSettings; logger: Logger; clients?: KafkaClients }) {
    const logger = options.logger.child({ store: 'status' });
    this.#log = new KafkaBasedLog({
      topic: options.topic,
      ...(options.clients ? { clients: options.clients } : {}),
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
    const status = value as unknown as Status | null;
    if (key.startsWith('status-connector-')) {
      const name = key.slice('status-connector-'.length);
      if (!status || supersedes(status, this.#view.connector(name))) this.#view.setConnector(name, status);
      return;
    }
    const task = /^status-task-(.+)-(\d+)$/.exec(key);
    if (task) {
      const [, name, id] = task as unknown as [string, string, string];
      if (!status || supersedes(status, this.#view.tasks(name).get(Number(id))))
        this.#view.setTask(name, Number(id), status);
      return;
    }
    const topic = /^status-topic-(.+):connector-(.+)$/.exec(key);
    if (topic) {
      const [, topicName, name] = topic as unknown as [string, string, string];
      this.#view.setTopic(name, topicName, value !== null);
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
    return this.#view.connector(name);
  }

  tasks(name: string): Map<number, Status> {
    return this.#view.tasks(name);
  }

  activeTopics(name: string): string[] {
    return this.#view.activeTopics(name);
  }

  async putConnector(name: string, status: Status): Promise<void> {
    this.#view.setConnector(name, status);
    await this.#log.send(`status-connector-${name}`, JSON.stringify(status));
  }

  async putTask(name: string, task: number, status: Status): Promise<void> {
    this.#view.setTask(name, task, status);
    await this.#log.send(`status-task-${name}-${task}`, JSON.stringify(status));
  }

  async putTopic(name: string, topic: string, task: number): Promise<void> {
    if (this.#view.hasTopic(name, topic)) return;
    this.#view.setTopic(name, topic, true);
    await this.#log.send(
      `status-topic-${topic}:connector-${name}`,
      JSON.stringify({ topic: { name: topic, connector: name, task, discoverTimestamp: Date.now() } }),
    );
  }

  async resetTopics(name: string): Promise<void> {
    const topics = this.#view.activeTopics(name);
    this.#view.clearTopics(name);
    await Promise.all(topics.map((topic) => this.#log.send(`status-topic-${topic}:connector-${name}`, null)));
  }

  /** Forgets a deleted connector everywhere. */
  async remove(name: string, taskCount: number): Promise<void> {
    const tasks = [...this.tasks(name).keys(), ...Array.from({ length: taskCount }, (_, i) => i)];
    this.#view.remove(name);
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
