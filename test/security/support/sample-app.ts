import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import type { INestApplication } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { Device } from '../../../lib/index.js';
import { parseJsonBody, type HttpResponse } from '../../support/http-response.js';
import { TEST_PASSWORD_HASH_COST } from '../../fixtures/test-password-hash-cost.js';

export const SAMPLE_SECRET = 'sample-app-security-secret-of-32-bytes-or-more';
export const PASSWORD = 'correct horse battery staple';

export interface ClientRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  /** Sent as JSON. */
  body?: unknown;
  /** The client's own address (127.0.0.2, 127.0.0.3, ...): how the server tells clients apart. */
  from?: string;
}

/** One request from a chosen local address, on its own connection. */
export function send<T = unknown>(baseUrl: string, options: ClientRequest): Promise<HttpResponse<T>> {
  const url = new URL(baseUrl);
  const body = options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body));
  const headers: Record<string, string> = { ...options.headers };
  if (body) headers['Content-Type'] = 'application/json';
  if (body || !['GET', 'HEAD'].includes(options.method)) headers['Content-Length'] = String(body?.length ?? 0);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, method: options.method, path: options.path, headers, agent: false, localAddress: options.from });
    req.setTimeout(10_000, () => req.destroy(new Error(`${options.method} ${options.path} timed out`)));
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, rawHeaders: res.rawHeaders, text, json: parseJsonBody<T>(res.headers['content-type'], text) });
      });
    });
    req.end(body);
  });
}

export interface Session {
  token: string;
  permanent_token: string;
  device_id: number;
}

/** The sample app booted in-process (createSampleApp) on a temporary SQLite file, listening on 127.0.0.1, with a cheap password hash. */
export class InProcessSampleApp {
  private constructor(
    readonly app: INestApplication,
    readonly url: string,
    private readonly folder: string,
  ) {}

  /** Loads the sample app only now, so a spec can install spies on what it imports first. */
  static async start(env: Record<string, string>): Promise<InProcessSampleApp> {
    const { createSampleApp } = await import('../../../sample-app/bootstrap.js');
    const folder = mkdtempSync(path.join(tmpdir(), 'sample-app-security-'));
    const { app } = await createSampleApp(
      {
        DATABASE_URL: `sqlite:${path.join(folder, 'app.sqlite')}`,
        JWT_SECRET: SAMPLE_SECRET,
        PURGE_INTERVAL: '0',
        PASSWORD_HASH_COST: TEST_PASSWORD_HASH_COST,
        ...env,
      },
      { logger: false },
    );
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as { port: number };
    return new InProcessSampleApp(app, `http://127.0.0.1:${port}`, folder);
  }

  send<T = unknown>(options: ClientRequest): Promise<HttpResponse<T>> {
    return send<T>(this.url, options);
  }

  /** Signs a user up through POST /users, from `from` (sign-up is rate-limited per client too); returns the id. */
  async signUp(username: string, password = PASSWORD, from?: string): Promise<number> {
    const response = await this.send<{ id: number }>({ method: 'POST', path: '/users', body: { username, password }, from });
    assert.equal(response.status, 201, response.text);
    return response.json!.id;
  }

  async login(username: string, from?: string, password = PASSWORD): Promise<HttpResponse<Session>> {
    return this.send<Session>({ method: 'POST', path: '/auth-token', body: { username, password }, from });
  }

  /** Every Device row as plain values. */
  async devices(): Promise<Array<Record<string, unknown>>> {
    const rows = await this.app.get<DataSource>(getDataSourceToken()).getRepository(Device).find({ order: { id: 'ASC' } });
    return rows.map((row) => ({ ...row }));
  }

  async close(): Promise<void> {
    await this.app.close();
    rmSync(this.folder, { recursive: true, force: true });
  }
}

/** One in-process sample app for the enclosing suite. */
export function useSampleApp(env: Record<string, string>): () => InProcessSampleApp {
  let sample: InProcessSampleApp | undefined;
  before(async () => {
    sample = await InProcessSampleApp.start(env);
  });
  after(async () => {
    await sample?.close();
  });
  return () => {
    if (!sample) throw new Error('the sample app is not started yet');
    return sample;
  };
}
