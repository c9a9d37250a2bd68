/** How this run was started, as a reader would retype it. */
export function commandLine(args: readonly string[]): string {
  const viaNpm = process.env.npm_lifecycle_event === 'bench';
  const shown = args.join(' ');
  if (viaNpm) return `npm run bench${shown ? ` -- ${shown}` : ''}`;
  return `node dist/bench/run.js${shown ? ` ${shown}` : ''}`;
}
