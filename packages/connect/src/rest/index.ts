export { forwardToLeader } from './leader-forwarding.js';
export type { RestContext, WorkerHealth } from './rest-context.js';
export { type ErrorBody, mapError, RestError } from './rest-errors.js';
export { createRestServer, DEFAULT_VERSION, type RestServer, type RestServerOptions } from './rest-server.js';
