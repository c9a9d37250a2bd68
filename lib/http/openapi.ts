import { createRequire } from 'node:module';
import type * as Swagger from '@nestjs/swagger';
import { loadOptionalPackage } from '../platform/optional-package.js';
import { documentRoutes } from './openapi-routes.js';

const SWAGGER_PACKAGE = '@nestjs/swagger';

// Synchronous, so the routes are described before any app can build its document, and without a
// top-level await, which would stop CommonJS apps from require()-ing this package.
const swagger = loadOptionalPackage(SWAGGER_PACKAGE, () => createRequire(import.meta.url)(SWAGGER_PACKAGE) as typeof Swagger);
if (swagger) documentRoutes(swagger);
