import type { FastifyPluginAsync } from 'fastify';
import type { RestContext } from './rest-context.js';

const healthStatusCode = { healthy: 200, starting: 503, unhealthy: 500 } as const;

/** `GET /` (Connect's `RootResource`) and `GET /health` (Connect 3.9+, KIP-1017). */
export const rootRoutes: FastifyPluginAsync<RestContext> = async (app, ctx) => {
  app.get('/', async () => ({
    version: ctx.version,
    commit: ctx.commit,
    kafka_cluster_id: ctx.herder.kafkaClusterId(),
  }));

  app.get('/health', async (_request, reply) => {
    const health = await ctx.health();
    return reply.code(healthStatusCode[health.status]).send(health);
  });
};
