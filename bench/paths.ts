import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// This file runs from dist/bench/, two levels below the repository root.
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const DIST_BENCH = fileURLToPath(new URL('.', import.meta.url));

export const SAMPLE_APP_MAIN = join(REPO_ROOT, 'dist', 'sample-app', 'main.js');
export const BENCH_APP_MAIN = join(DIST_BENCH, 'bench-app', 'main.js');
export const DOCS_RECIPE_MAIN = join(DIST_BENCH, 'docs-recipe', 'main.js');
export const MINIMAL_GUARD_MAIN = join(DIST_BENCH, 'minimal-guard', 'main.js');
export const PARENT_WATCH = join(DIST_BENCH, 'processes', 'parent-watch.js');

/** Databases and profiles of one run; git-ignored, emptied at the start of each run. */
export const WORK_DIR = join(REPO_ROOT, 'bench', '.work');
export const PROFILE_DIR = join(WORK_DIR, 'profiles');
export const RESULTS_FILE = join(REPO_ROOT, 'bench', 'results.md');
/** Hand-written: what profiling found; results.md carries it below each run's figures. */
export const FINDINGS_FILE = join(REPO_ROOT, 'bench', 'findings.md');
export const MEMORY_RESULTS_FILE = join(REPO_ROOT, 'bench', 'results-memory.md');
export const INVALIDATION_RESULTS_FILE = join(REPO_ROOT, 'bench', 'results-invalidation.md');
