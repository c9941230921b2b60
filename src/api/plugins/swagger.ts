import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/**
 * The OpenAPI 3.1 document, generated from the same TypeBox schemas that validate the requests: served
 * as JSON at /openapi.json and as Swagger UI at /docs. Register before the routes.
 */
async function swaggerPlugin(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Failback Orchestrator API',
        version: '1.0.0',
        description:
          'Start, watch and steer failback plans. Every human step is audited under the name of the ' +
          'caller’s token. Errors are RFC 9457 problem+json documents.',
      },
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', description: 'A token of FAILBACK_API_TOKENS' },
        },
      },
      tags: [
        { name: 'plans', description: 'Failback plans' },
        { name: 'steps', description: 'Human steps of a plan: approvals, window, DNS cutover, retry, abort' },
        { name: 'operations', description: 'Health, readiness, metrics' },
      ],
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { deepLinking: true, persistAuthorization: true },
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}

export default fp(swaggerPlugin, { name: 'swagger' });
