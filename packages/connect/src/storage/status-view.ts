import type { Status } from './status-backing-store.js';

/**
 * What a worker knows of connector, task and topic states, in memory: all a standalone worker
 * keeps, and the tailed state of the status topic in distributed mode.
 */
export class StatusView {
  readonly #connectors = new Map<string, Status>();
  readonly #tasks = new Map<string, Map<number, Status>>();
  readonly #topics = new Map<string, Set<string>>();

  connector(name: string): Status | undefined {
    return this.#connectors.get(name);
  }

  tasks(name: string): Map<number, Status> {
    return this.#tasks.get(name) ?? new Map();
  }

  activeTopics(name: string): string[] {
    return [...(this.#topics.get(name) ?? [])].sort();
  }

  hasTopic(name: string, topic: string): boolean {
    return this.#topics.get(name)?.has(topic) ?? false;
  }

  /** Sets (or with `null`, forgets) a connector's state. */
  setConnector(name: string, status: Status | null): void {
    if (status) this.#connectors.set(name, status);
    else this.#connectors.delete(name);
  }

  /** Sets (or with `null`, forgets) a task's state. */
  setTask(name: string, task: number, status: Status | null): void {
    const tasks = this.#tasks.get(name) ?? new Map<number, Status>();
    if (status) tasks.set(task, status);
    else tasks.delete(task);
    this.#tasks.set(name, tasks);
  }

  /** Records (or with `false`, forgets) a topic the connector used. */
  setTopic(name: string, topic: string, active: boolean): void {
    const topics = this.#topics.get(name) ?? new Set<string>();
    if (active) topics.add(topic);
    else topics.delete(topic);
    this.#topics.set(name, topics);
  }

  clearTopics(name: string): void {
    this.#topics.delete(name);
  }

  /** Forgets a deleted connector's own and its tasks' states. */
  remove(name: string): void {
    this.#connectors.delete(name);
    this.#tasks.delete(name);
  }
}
