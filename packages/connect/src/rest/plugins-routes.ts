import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { CONNECTOR_CLASS_CONFIG } from '../config/index.js';
import { queryFlag, readConfigMap } from './request-bodies.js';
import type { RestContext } from './rest-context.js';
import { badRequest } from './rest-errors.js';

const ALIAS_SUFFIX = 'Connector';

/** `FileStreamSinkConnector` → `FileStreamSink`: Connect compares class names and aliases this way. */
function normalizedPluginName(name: string): string {
  return name.endsWith(ALIAS_SUFFIX) && name.length > ALIAS_SUFFIX.length
    ? name.slice(0, -ALIAS_SUFFIX.length)
    : name;
}

/** The `/connector-plugins` resource, as Connect's `ConnectorPluginsResource`. */
export const pluginsRoutes: FastifyPluginAsync<RestContext> = async (app, ctx) => {
  app.get('/connector-plugins', async (request) => {
    const query = request.query as Record<string, unknown>;
    return ctx.herder.plugins(queryFlag(query.connectorsOnly, true));
  });

  app.get(
    '/connector-plugins/:plugin/config',
    async (request: FastifyRequest<{ Params: { plugin: string } }>) =>
      ctx.herder.pluginConfig(request.params.plugin),
  );

  app.put(
    '/connector-plugins/:plugin/config/validate',
    async (request: FastifyRequest<{ Params: { plugin: string } }>) => {
      const plugin = request.params.plugin;
      const config = readConfigMap(request.body);
      const included = config[CONNECTOR_CLASS_CONFIG];
      if (included !== undefined && !normalizedPluginName(included).endsWith(normalizedPluginName(plugin))) {
        throw badRequest(`Included connector type ${included} does not match request type ${plugin}`);
      }
      return ctx.complete(ctx.herder.validateConnectorConfig(plugin, config));
    },
  );
};
