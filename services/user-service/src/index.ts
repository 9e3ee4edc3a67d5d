export * from './password-hash.js';
export * from './user-app.js';
export * from './user-service.js';
export * from './user-store.js';
export * from './user-validation.js';
