export * from './gateway.js';
export * from './gateway-app.js';
export * from './route-auth.js';
export * from './service-registry.js';
export * from './upstream-proxy.js';
