import type { Status, StatusBackingStore } from './status-backing-store.js';
import { StatusView } from './status-view.js';

/**
 * Connector and task states of a standalone worker (Apache's MemoryStatusBackingStore): this
 * worker is the only one that runs or reports anything, so the states live as long as it does.
 */
export class MemoryStatusBackingStore implements StatusBackingStore {
  readonly #view = new StatusView();

  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  async refresh(): Promise<void> {}

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
  }

  async putTask(name: string, task: number, status: Status): Promise<void> {
    this.#view.setTask(name, task, status);
  }

  async putTopic(name: string, topic: string): Promise<void> {
    this.#view.setTopic(name, topic, true);
  }

  async resetTopics(name: string): Promise<void> {
    this.#view.clearTopics(name);
  }

  async remove(name: string): Promise<void> {
    this.#view.remove(name);
  }
}
