export * from './catalog-app.js';
export * from './catalog-service.js';
export * from './catalog-store.js';
export * from './stock-keeper.js';
