import { readdirSync, readFileSync } from 'node:fs';
import { Controller, Get, Header, Inject, NotFoundException, Param } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ApiExcludeController } from '@nestjs/swagger';
import type { AppConfig } from './config/env.schema.js';

/** The page's own files, beside its sources; compiled code runs from dist/sample-app/. */
const PAGE_FILES = new URL('../../sample-app/devices-page/', import.meta.url);
/** The package's client as the build left it. */
const CLIENT_FILES = new URL('../lib/client/', import.meta.url);

/** Only the page's own files and the client's modules: nothing else is loaded, framed or sent anywhere. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** The "Your devices" page at `/`: static HTML, CSS and a script that uses `nestjs-jwt-devices/client`. */
@ApiExcludeController()
@Controller()
export class DevicesPageController {
  private readonly html: string;
  private readonly script = readFileSync(new URL('devices-page.js', PAGE_FILES), 'utf8');
  private readonly styles = readFileSync(new URL('devices-page.css', PAGE_FILES), 'utf8');
  private readonly client = new Map(
    readdirSync(CLIENT_FILES)
      .filter((name) => name.endsWith('.js'))
      .map((name) => [name, readFileSync(new URL(name, CLIENT_FILES), 'utf8')]),
  );

  constructor(@Inject(ConfigService) env: AppConfig) {
    const prefix = env.get('JWT_DEVICES_ROUTES_PREFIX', { infer: true })?.replace(/^\/+|\/+$/g, '');
    const settings: Record<string, string> = {
      ROUTES_BASE: prefix ? `/${prefix}` : '',
      AUTH_PREFIX: env.get('JWT_DEVICES_AUTH_HEADER_PREFIXES', { infer: true })?.[0] ?? 'Bearer',
      USERNAME_FIELD: env.get('JWT_DEVICES_USERNAME_FIELD', { infer: true }) ?? 'username',
    };
    this.html = readFileSync(new URL('index.html', PAGE_FILES), 'utf8').replace(/\{\{([A-Z_]+)\}\}/g, (_, name: string) => escapeAttribute(settings[name] ?? ''));
  }

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Content-Security-Policy', CONTENT_SECURITY_POLICY)
  @Header('X-Content-Type-Options', 'nosniff')
  @Header('Cache-Control', 'no-cache')
  page(): string {
    return this.html;
  }

  @Get('assets/devices-page.js')
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  @Header('X-Content-Type-Options', 'nosniff')
  @Header('Cache-Control', 'no-cache')
  pageScript(): string {
    return this.script;
  }

  @Get('assets/devices-page.css')
  @Header('Content-Type', 'text/css; charset=utf-8')
  @Header('X-Content-Type-Options', 'nosniff')
  @Header('Cache-Control', 'no-cache')
  pageStyles(): string {
    return this.styles;
  }

  @Get('assets/client/:file')
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  @Header('X-Content-Type-Options', 'nosniff')
  @Header('Cache-Control', 'no-cache')
  clientModule(@Param('file') file: string): string {
    const source = this.client.get(file);
    if (source === undefined) throw new NotFoundException();
    return source;
  }
}

function escapeAttribute(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
