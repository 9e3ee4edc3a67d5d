import type { ConnectorState } from '../entities.js';

export interface Status {
  state: ConnectorState;
  trace: string | null;
  worker_id: string;
  generation: number;
  /** The plugin's version (Connect 4.x writes it, KIP-891); absent in records of older workers. */
  version?: string;
}

/** Where connector and task states live: the status topic (distributed) or memory (standalone). */
export interface StatusBackingStore {
  start(): Promise<void>;
  stop(): Promise<void>;
  refresh(): Promise<void>;
  connector(name: string): Status | undefined;
  tasks(name: string): Map<number, Status>;
  activeTopics(name: string): string[];
  putConnector(name: string, status: Status): Promise<void>;
  putTask(name: string, task: number, status: Status): Promise<void>;
  putTopic(name: string, topic: string, task: number): Promise<void>;
  resetTopics(name: string): Promise<void>;
  remove(name: string, taskCount: number): Promise<void>;
}
