import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

export const OPENAPI_UI_PATH = '/docs';
export const OPENAPI_JSON_PATH = '/docs-json';

/**
 * Swagger UI at /docs and the OpenAPI document at /docs-json, with the module's routes described by
 * the package itself. Call it before the app is initialized: Fastify takes no routes after that.
 */
export function serveOpenApiDocument(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('nestjs-jwt-devices sample app')
    .setDescription('Per-device logins: short-lived access tokens, long-lived permanent tokens, device listing and logout.')
    .addBearerAuth()
    .build();
  // Built on first request, once every module's routes are known.
  SwaggerModule.setup(OPENAPI_UI_PATH, app, () => SwaggerModule.createDocument(app, config), {
    jsonDocumentUrl: OPENAPI_JSON_PATH,
    raw: ['json'],
  });
}
