import type { ChildProcess } from 'node:child_process';

/** The one line the sample app (and every app the tests build like it) prints when ready. */
const READY = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/m;

export interface ListeningProcess {
  url: string;
  /** Everything it printed so far, stdout and stderr. */
  output: () => string;
}

/** Collects a child's output and waits for its `listening on URL` line; rejects if it exits or times out first. */
export async function waitUntilListening(child: ChildProcess, label: string, timeoutMs: number): Promise<ListeningProcess> {
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${label} did not listen within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    child.stdout!.on('data', () => {
      const match = READY.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${label} exited with ${code}:\n${output}`));
    });
  });
  return { url, output: () => output };
}
