import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';

const POSTGRES_ONLY_SPECS = ['test/db/database-faults.spec.ts', 'test/sample-app/multi-instance.spec.ts'];
const REASON = 'TEST_POSTGRES_URL is not set';

describe('test/run.mjs', () => {
  it('counts the suites that skip themselves, names them with their reason, and keeps the summary as the last line', async () => {
    // NODE_TEST_CONTEXT would tell the child's node:test it runs inside this test, and it would run nothing.
    const { TEST_POSTGRES_URL: _url, NODE_TEST_CONTEXT: _context, ...env } = process.env;
    // A quick unit spec and the two PostgreSQL-only suites, which skip themselves without a URL.
    const { stdout } = await promisify(execFile)(process.execPath, ['test/run.mjs', 'test/unit/bounded-map', ...POSTGRES_ONLY_SPECS], {
      env,
      timeout: 60_000,
    });
    const lines = stdout.trimEnd().split('\n');

    assert.match(lines.at(-1)!, /^[1-9]\d* passed, 0 failed, 2 skipped$/);
    assert.ok(lines.includes('  on postgres: 0 passed, 0 failed, 2 skipped'), stdout);
    const listed = lines.slice(lines.indexOf('Skipped (2), so not run:') + 1, lines.indexOf('Skipped (2), so not run:') + 3);
    assert.equal(listed.length, 2, stdout);
    POSTGRES_ONLY_SPECS.forEach((spec, index) => {
      assert.ok(listed[index].startsWith(`  ${spec} › `) && listed[index].endsWith(` # ${REASON}`), `${listed[index]}\n\n${stdout}`);
    });
    assert.equal(lines.filter((line) => line.includes(`﹣ SKIP `) && line.endsWith(` # ${REASON}`)).length, 2, 'each file shows its skipped suite');
  });
});
