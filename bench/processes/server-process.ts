import { spawn, type ChildProcess } from 'node:child_process';
import { serverCommand, type CpuPinning } from '../cpu-pinning.js';

const READY = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/m;
const START_TIMEOUT_MS = 60_000;
const GRACEFUL_STOP_MS = 5_000;
const OUTPUT_KEPT_CHARS = 16_384;

/** Every server still running, so any way out of the bench can kill them. */
const running = new Set<ServerProcess>();

export interface ServerSpec {
  name: string;
  nodeArgs: string[];
  env: Record<string, string>;
}

/** A server under test in its own process, pinned to the server core, talking back over IPC. */
export class ServerProcess {
  private output = '';

  private constructor(readonly name: string, private readonly child: ChildProcess) {
    const keep = (chunk: Buffer): void => {
      this.output = (this.output + chunk.toString()).slice(-OUTPUT_KEPT_CHARS);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    child.once('exit', () => running.delete(this));
  }

  /** Starts the server and waits for its `listening on URL` line; its URL is `url`. */
  static async start(spec: ServerSpec, pinning: CpuPinning): Promise<{ server: ServerProcess; url: string }> {
    const { command, args } = serverCommand(pinning, spec.nodeArgs);
    const child = spawn(command, args, {
      // Only what the server is told: the bench's own DATABASE_URL must not leak into it.
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', ...spec.env },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const server = new ServerProcess(spec.name, child);
    running.add(server);
    const url = await new Promise<string>((resolve, reject) => {
      const fail = (why: string): void => {
        clearTimeout(timer);
        reject(new Error(`${spec.name} ${why}:\n${server.output}`));
      };
      const timer = setTimeout(() => fail(`did not start within ${START_TIMEOUT_MS / 1000} s`), START_TIMEOUT_MS);
      child.stdout!.on('data', () => {
        const match = READY.exec(server.output);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
      child.once('exit', (code, signal) => fail(`exited (${signal ?? code}) before listening`));
      child.once('error', (error) => fail(`could not be started: ${error.message}`));
    });
    return { server, url };
  }

  /** The last 16 KiB it printed, stdout and stderr. */
  get recentOutput(): string {
    return this.output;
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Sends one message and resolves with the server's next message. */
  ask<T>(message: object): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.child.once('message', (answer) => resolve(answer as T));
      this.child.send(message, (error) => {
        if (error) reject(error);
      });
    });
  }

  /** Closes the IPC channel (the server then exits by itself), then SIGTERM, then SIGKILL. */
  async stop(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    if (this.child.connected) this.child.disconnect();
    if (await settlesWithin(exited, GRACEFUL_STOP_MS)) return;
    this.child.kill('SIGTERM');
    if (await settlesWithin(exited, GRACEFUL_STOP_MS)) return;
    this.child.kill('SIGKILL');
    await exited;
  }

  private get exited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  /** Last resort, synchronous: for process exit and signals. */
  static killAllNow(): void {
    for (const server of running) server.child.kill('SIGKILL');
    running.clear();
  }

  static async stopAll(): Promise<void> {
    await Promise.all([...running].map((server) => server.stop()));
  }
}

function settlesWithin(promise: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  return Promise.race([promise.then(() => true), timeout]).finally(() => clearTimeout(timer));
}
