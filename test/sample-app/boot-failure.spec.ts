import assert from 'node:assert/strict';
import { it } from 'node:test';
import { sampleAppDatabaseUrl, SampleAppProcess } from '../fixtures/sample-app-process.js';
import { forEachDatabase, useFreshDatabase } from '../support/databases.js';

// What the bug took: MariaDB's pool kept the process for good, PostgreSQL's for its 10 s idle timeout after
// the last query. The exit is timed from the printed error, so a slow boot on busy cores does not count;
// the whole run only has to end before the test gives up on it.
const EXIT_AFTER_ERROR_WITHIN_MS = 5_000;
const RUN_AT_MOST_MS = 60_000;
const CONFIG_ERROR = /JwtDevicesConfigError/;

forEachDatabase((database) => {
  const db = useFreshDatabase(database);

  it('bad options end the sample app with code 1 within seconds, printing the one error that lists every problem', async () => {
    // Both problems are the module's, found after the database connection is open.
    const env = { DATABASE_URL: sampleAppDatabaseUrl(db().options), JWT_SECRET: 'short', JWT_DEVICES_LEEWAY: '121', NO_COLOR: '1' };
    const { exitCode, elapsedMs, output, exitAfterPrintedMs } = await SampleAppProcess.runUntilExit(env, RUN_AT_MOST_MS, CONFIG_ERROR);

    assert.equal(exitCode, 1, `still running after ${elapsedMs} ms, or exited otherwise:\n${output}`);
    assert.ok(exitAfterPrintedMs !== undefined, `the error was never printed:\n${output}`);
    assert.ok(exitAfterPrintedMs <= EXIT_AFTER_ERROR_WITHIN_MS, `exited ${exitAfterPrintedMs} ms after printing the error:\n${output}`);
    assert.match(
      output,
      /\[SampleApp\] JwtDevicesConfigError: Invalid JwtDevicesModule options:\n {2}- secret: must be at least 32 bytes for HS256 \(got 5\)\n {2}- leeway: must be at most 120 seconds \(got 121\)\n/,
    );
    assert.doesNotMatch(output, /listening on/);
    assert.equal(output.split('Invalid JwtDevicesModule options').length - 1, 1, `the error is printed once, without a stack:\n${output}`);
    assert.doesNotMatch(output, /\n\s+at /, 'no stack trace for a configuration error');
  });
});
