export * from './connect-exception.js';
export * from './connector.js';
export * from './kafka-version.js';
export * from './records.js';
