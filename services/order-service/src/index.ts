export * from './order-app.js';
export * from './order-envelope.js';
export * from './order-publisher.js';
export * from './order-service.js';
export * from './order-store.js';
export * from './order-validation.js';
export * from './status-recorder.js';
