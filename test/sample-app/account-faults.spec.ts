import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { useSampleApp } from '../fixtures/sample-app-in-process.js';
import { assertCleanError, MESSAGES } from '../security/support/clean-errors.js';

const PASSWORD = 'long enough password';

for (const adapter of ['express', 'fastify'] as const) {
  describe(`the sample app's account routes on ${adapter} while the user table refuses writes`, () => {
    const sample = useSampleApp(adapter);
    let dataSource: DataSource;
    let token: string;
    before(async () => {
      dataSource = sample().app.get<DataSource>(getDataSourceToken());
      assert.equal((await sample().call({ method: 'POST', path: '/users', body: { username: 'vera', password: PASSWORD } })).status, 201);
      const login = await sample().call<{ token: string }>({ method: 'POST', path: '/auth-token', body: { username: 'vera', password: PASSWORD } });
      token = login.json!.token;
      // Reads still work, so the guard passes; every write to the user table fails as a database that went away would.
    // The suite's app and its SQLite file go away after it, triggers and all.
      await dataSource.query("CREATE TRIGGER refuse_user_update BEFORE UPDATE ON sample_app_user BEGIN SELECT RAISE(ABORT, 'down'); END");
      await dataSource.query("CREATE TRIGGER refuse_user_delete BEFORE DELETE ON sample_app_user BEGIN SELECT RAISE(ABORT, 'down'); END");
    });

    for (const [method, path] of [['POST', '/users/me/deactivate'], ['DELETE', '/users/me']] as const) {
      it(`${method} ${path} answers 503 with Retry-After, not 500, and the user stays active`, async () => {
        const response = await sample().call({ method, path, headers: { Authorization: `Bearer ${token}` } });
        assertCleanError(response, 503, MESSAGES.unavailable);
        assert.match(String(response.headers['retry-after']), /^[1-9][0-9]*$/);
        const rows: Array<{ is_active: number }> = await dataSource.query('SELECT is_active FROM sample_app_user WHERE username = ?', ['vera']);
        assert.deepEqual(rows.map(({ is_active }) => Number(is_active)), [1]);
      });
    }
  });
}
