import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type Database from 'better-sqlite3';
import { DataSource } from 'typeorm';
import { BENCH_PASSWORD, BENCH_USERS } from './bench-app/bench-credentials.js';
import { BenchAppModule } from './bench-app/bench-app.module.js';
import { REPO_ROOT } from './paths.js';
import { readMachine } from './report/machine.js';

/**
 * SQLite WAL bytes written per rotating refresh: the bench app (the sample app's SQLite settings) in this
 * process on a file database, `--devices` logins, then `--rotations` refreshes over `--chains` of them in
 * turn, through HTTP as a client sends them. Automatic checkpoints are off while it counts, so the WAL
 * holds every frame the rotations appended: its size, and the frame count a passive checkpoint reports.
 * Talks only HTTP to the app, so the same file measures an older version of the library.
 *
 *   node dist/bench/wal-per-rotation.js [--devices=1000] [--chains=100] [--rotations=2000]
 */
async function main(): Promise<void> {
  const devices = numberArgument('devices', 1000);
  const chains = Math.min(devices, numberArgument('chains', 100));
  const rotations = numberArgument('rotations', 2000);
  const directory = mkdtempSync(join(tmpdir(), 'wal-per-rotation-'));
  const sqlitePath = join(directory, 'bench.sqlite');
  const app = await NestFactory.create<NestExpressApplication>(
    BenchAppModule.forRoot({ sqlitePath, secret: randomBytes(32).toString('base64url'), deviceCacheTtlSeconds: 0 }),
    { logger: ['error', 'warn'] },
  );
  try {
    await app.listen(0, '127.0.0.1');
    const origin = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    const tokens: string[] = [];
    for (let device = 0; device < devices; device++) tokens.push(await login(origin));
    const chainTokens = tokens.slice(0, chains);
    // One rotation of each chain first: the device rows then look as they do in steady use.
    for (let chain = 0; chain < chains; chain++) chainTokens[chain] = await refresh(origin, chainTokens[chain]);

    const db = (app.get(DataSource).driver as unknown as { databaseConnection: Database.Database }).databaseConnection;
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    db.pragma('wal_autocheckpoint = 0');
    db.pragma('wal_checkpoint(TRUNCATE)');
    const started = process.hrtime.bigint();
    for (let round = 0; round < rotations; round++) {
      const chain = round % chains;
      chainTokens[chain] = await refresh(origin, chainTokens[chain]);
    }
    const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
    const [{ log: frames }] = db.pragma('wal_checkpoint(PASSIVE)') as Array<{ busy: number; log: number; checkpointed: number }>;
    const walBytes = statSync(`${sqlitePath}-wal`).size;
    db.pragma('wal_autocheckpoint = 1000');

    const machine = readMachine();
    console.log(`library at ${gitCommit()}; ${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}`);
    console.log(`${devices} devices, ${rotations} rotations over ${chains} chains, page size ${pageSize} B, ${((elapsedMs * 1000) / rotations).toFixed(0)} us wall per refresh`);
    console.log(`WAL: ${walBytes} B in ${frames} frames = ${(walBytes / rotations / 1024).toFixed(1)} KiB (${(frames / rotations).toFixed(2)} pages) per rotation`);
  } finally {
    await app.close();
    rmSync(directory, { recursive: true, force: true });
  }
}

async function login(origin: string): Promise<string> {
  const response = await fetch(`${origin}/auth-token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: BENCH_USERS.login, password: BENCH_PASSWORD }),
  });
  if (response.status !== 200) throw new Error(`login answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { permanent_token: string }).permanent_token;
}

async function refresh(origin: string, permanentToken: string): Promise<string> {
  const response = await fetch(`${origin}/device-refresh-token`, { method: 'POST', headers: { 'permanent-token': permanentToken } });
  if (response.status !== 200) throw new Error(`refresh answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { permanent_token: string }).permanent_token;
}

function numberArgument(name: string, fallback: number): number {
  const given = process.argv.find((argument) => argument.startsWith(`--${name}=`));
  const value = given === undefined ? fallback : Number(given.slice(name.length + 3));
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
  return value;
}

function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  } catch {
    return 'an unknown commit';
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
