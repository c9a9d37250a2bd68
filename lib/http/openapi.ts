import type * as Swagger from '@nestjs/swagger';
import { packageRequire } from '#package-require';
import { loadOptionalPackage } from '../platform/optional-package.js';
import { documentRoutes } from './openapi-routes.js';

const SWAGGER_PACKAGE = '@nestjs/swagger';

// Synchronous, so the routes are described before any app can build its document, and without a
// top-level await, which the CommonJS build cannot have and which would stop require(esm) of the ES module build.
const swagger = loadOptionalPackage(SWAGGER_PACKAGE, () => packageRequire(SWAGGER_PACKAGE) as typeof Swagger);
if (swagger) documentRoutes(swagger);
