export * from './databases.js';
export * from './java-runtime.js';
export * from './kafka-broker.js';
export * from './kafka-dist.js';
export * from './paths.js';
export * from './pid-file.js';
export * from './tcp-probe.js';
