import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { Device } from '../../lib/index.js';
import { useSampleApp } from '../fixtures/sample-app-in-process.js';
import { assertNestError } from '../support/nest-error.js';

// Inside the 100 KiB body limit, far deeper than class-transformer's recursion survives (~5,000 levels).
const DEEP_OBJECT = '{"a":'.repeat(15_000) + '1' + '}'.repeat(15_000);
const DEEP_FIELD = `{"username":${'['.repeat(20_000)}${']'.repeat(20_000)},"password":"long enough password"}`;
const WIDE_OBJECT = JSON.stringify(Object.fromEntries(Array.from({ length: 9_000 }, (_, i) => [`k${i}`, 0])));

for (const adapter of ['express', 'fastify'] as const) {
  describe(`the sample app on ${adapter}, under its global BodyShapePipe and strict ValidationPipe`, () => {
    const sample = useSampleApp(adapter);
    let dataSource: DataSource;
    before(() => {
      dataSource = sample().app.get<DataSource>(getDataSourceToken());
    });
    const userCount = async () => Number((await dataSource.query('SELECT COUNT(*) AS n FROM sample_app_user'))[0].n);

    for (const [shape, body, message] of [
      ['a body nested 15,000 levels deep', DEEP_OBJECT, 'Request body is nested too deeply.'],
      ['a field nested 20,000 levels deep', DEEP_FIELD, 'Request body is nested too deeply.'],
      ['a body of 9,000 keys', WIDE_OBJECT, 'Request body has too many values.'],
    ] as const) {
      it(`POST /users and POST /auth-token answer ${shape} with 400, creating nothing`, async () => {
        const users = await userCount();
        const devices = await dataSource.getRepository(Device).count();
        for (const path of ['/users', '/auth-token', '/auth-token/verify']) {
          const response = await sample().call({ method: 'POST', path, body, contentType: 'application/json' });
          const error = assertNestError(response, 400, 'Bad Request');
          assert.equal(error.message, message, `${path}: ${response.text.slice(0, 200)}`);
        }
        assert.equal(await userCount(), users);
        assert.equal(await dataSource.getRepository(Device).count(), devices);
      });
    }

    it('POST /users refuses a field it does not know, as forbidNonWhitelisted says', async () => {
      const users = await userCount();
      const response = await sample().call({ method: 'POST', path: '/users', body: { username: 'ivan', password: 'long enough password', admin: true } });
      const error = assertNestError(response, 400, 'Bad Request');
      assert.deepEqual(error.message, ['property admin should not exist']);
      assert.equal(await userCount(), users);
    });

    it('the module\'s routes ignore the pipes: login with an extra field, then delete a device by id', async () => {
      const created = await sample().call({ method: 'POST', path: '/users', body: { username: 'judy', password: 'long enough password' } });
      assert.equal(created.status, 201, created.text);
      const credentials = { username: 'judy', password: 'long enough password', remember: true };
      const first = await sample().call<{ token: string; device_id: number }>({ method: 'POST', path: '/auth-token', body: credentials });
      const second = await sample().call<{ token: string; device_id: number }>({ method: 'POST', path: '/auth-token', body: credentials });
      assert.equal(first.status, 200, first.text);
      assert.equal(second.status, 200, second.text);
      const removed = await sample().call({ method: 'DELETE', path: `/devices/${second.json!.device_id}`, headers: { Authorization: `Bearer ${first.json!.token}` } });
      assert.equal(removed.status, 204, removed.text);
      assert.equal(await dataSource.getRepository(Device).countBy({ id: second.json!.device_id }), 0);
    });
  });
}
