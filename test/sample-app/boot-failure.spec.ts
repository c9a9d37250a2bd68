import assert from 'node:assert/strict';
import { it } from 'node:test';
import { sampleAppDatabaseUrl, SampleAppProcess } from '../fixtures/sample-app-process.js';
import { forEachDatabase, useFreshDatabase } from '../support/databases.js';

// Room for a slow boot on busy cores, yet below what the bug took: MariaDB's pool kept the process for good,
// PostgreSQL's for its 10 s idle timeout after the last query.
const EXIT_WITHIN_MS = 10_000;

forEachDatabase((database) => {
  const db = useFreshDatabase(database);

  it('bad options end the sample app with code 1 within seconds, printing the one error that lists every problem', async () => {
    // Both problems are the module's, found after the database connection is open.
    const env = { DATABASE_URL: sampleAppDatabaseUrl(db().options), JWT_SECRET: 'short', JWT_DEVICES_LEEWAY: '121', NO_COLOR: '1' };
    const { exitCode, elapsedMs, output } = await SampleAppProcess.runUntilExit(env, EXIT_WITHIN_MS);

    assert.equal(exitCode, 1, `still running after ${elapsedMs} ms, or exited otherwise:\n${output}`);
    assert.match(
      output,
      /\[SampleApp\] JwtDevicesConfigError: Invalid JwtDevicesModule options:\n {2}- secret: must be at least 32 bytes for HS256 \(got 5\)\n {2}- leeway: must be at most 120 seconds \(got 121\)\n/,
    );
    assert.doesNotMatch(output, /listening on/);
  });
});
