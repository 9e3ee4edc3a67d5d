export type {
  Admin,
  ClusterMetadata,
  Consumer,
  Message,
  MessagesStream,
  Producer,
} from '@platformatic/kafka';
export {
  ConfigResourceTypes,
  ConfigSources,
  FetchIsolationLevels,
  MessagesStreamModes,
} from '@platformatic/kafka';
export * from './bootstrap.js';
export * from './client-patch-check.js';
export * from './clients.js';
export * from './group-protocol.js';
export * from './kafka-clients.js';
export * from './kafka-errors.js';
export * from './rejoin-hook.js';
