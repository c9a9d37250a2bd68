import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

// `node dist/bench/profile-summary.js bench/.work/profiles/*.cpuprofile`: where a server's CPU time went,
// by package (self and inclusive) and by function, from the profiles that `--cpu-prof` writes.

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
}

const SPECIAL = new Set(['(idle)', '(program)', '(garbage collector)', '(root)']);
const TOP = 20;

function bucketOf({ functionName, url }: ProfileNode['callFrame']): string {
  if (SPECIAL.has(functionName)) return functionName;
  const modules = url.lastIndexOf('/node_modules/');
  if (modules !== -1) {
    const [scope, name] = url.slice(modules + '/node_modules/'.length).split('/');
    return scope.startsWith('@') ? `${scope}/${name}` : scope;
  }
  if (url.includes('/dist/lib/')) return 'nestjs-jwt-devices lib/';
  if (url.includes('/dist/sample-app/')) return 'sample-app/';
  if (url.includes('/dist/bench/')) return 'bench/';
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/').slice(0, 2).join('/')}`;
  return url === '' ? '(native)' : url;
}

function summarize(path: string): string {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  const selfByBucket = new Map<string, number>();
  const inclusiveByBucket = new Map<string, number>();
  const selfByFunction = new Map<string, number>();
  const inclusiveByLibFunction = new Map<string, number>();
  let busy = 0;
  for (const id of profile.samples) {
    const node = byId.get(id)!;
    if (node.callFrame.functionName === '(idle)') continue;
    busy++;
    const frame = node.callFrame;
    add(selfByBucket, bucketOf(frame));
    add(selfByFunction, `${frame.functionName || '(anonymous)'} ${shortUrl(frame.url)}:${frame.lineNumber + 1}`);
    const buckets = new Set<string>();
    const libFunctions = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const callFrame = byId.get(at)!.callFrame;
      buckets.add(bucketOf(callFrame));
      if (callFrame.url.includes('/dist/lib/')) libFunctions.add(`${callFrame.functionName || '(anonymous)'} ${shortUrl(callFrame.url)}`);
    }
    for (const bucket of buckets) add(inclusiveByBucket, bucket);
    for (const name of libFunctions) add(inclusiveByLibFunction, name);
  }
  const table = (title: string, counts: Map<string, number>): string =>
    `${title}\n${[...counts]
      .sort((a, b) => b[1] - a[1])
      .slice(0, TOP)
      .map(([name, count]) => `  ${((100 * count) / busy).toFixed(1).padStart(5)}%  ${name}`)
      .join('\n')}`;
  return [
    `== ${basename(path)}: ${busy} busy samples of ${profile.samples.length}`,
    table('self time by package', selfByBucket),
    table('inclusive time by package (synchronous stacks only: an await cuts the stack)', inclusiveByBucket),
    table('self time by function', selfByFunction),
    table('inclusive time by library function', inclusiveByLibFunction),
  ].join('\n\n');
}

function add(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

function shortUrl(url: string): string {
  const modules = url.lastIndexOf('/node_modules/');
  if (modules !== -1) return url.slice(modules + '/node_modules/'.length);
  const dist = url.indexOf('/dist/');
  return dist !== -1 ? url.slice(dist + '/dist/'.length) : url;
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node dist/bench/profile-summary.js FILE.cpuprofile ...');
  process.exitCode = 2;
}
for (const file of files) console.log(`${summarize(file)}\n`);
