import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ExecutionContext } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import { AllowAnonymous, JwtDevicesAuthGuard } from '../../lib/index.js';
import { forEachDatabase, useFreshDatabase } from '../support/databases.js';
import { useTestApp } from '../fixtures/test-app.js';

/** Stands for a WebSocket gateway or a microservice controller: one guarded handler, one exempt. */
class MessagesHandler {
  guarded(): string {
    return 'guarded';
  }

  @AllowAnonymous()
  open(): string {
    return 'open';
  }
}

/** A GraphQL app's guard: Nest's documented getRequest override, here handing over the request a resolver context holds. */
class ContextRequestGuard extends JwtDevicesAuthGuard {
  override getRequest(context: ExecutionContext): unknown {
    return context.getArgByIndex<{ req: unknown }>(2).req;
  }
}

function contextOf(type: string, args: unknown[], handler: keyof MessagesHandler = 'guarded'): ExecutionContext {
  const context = new ExecutionContextHost(args, MessagesHandler, MessagesHandler.prototype[handler]);
  context.setType(type);
  return context;
}

forEachDatabase((database) => {
  const db = useFreshDatabase(database);

  describe('JwtDevicesAuthGuard outside HTTP requests', () => {
    const app = useTestApp(db);
    const guard = (type: typeof JwtDevicesAuthGuard = JwtDevicesAuthGuard) => app().app.get(ModuleRef).create(type);

    it('refuses a WebSocket message quietly (false, so the gateway answers "Forbidden resource"), even with a valid token in the handshake', async () => {
      const { token } = await app().login();
      const client = { handshake: { headers: { authorization: `Bearer ${token}` } } };
      assert.equal(await (await guard()).canActivate(contextOf('ws', [client, { text: 'hi' }])), false);
      assert.equal('user' in client, false, 'no user was set on the client');
    });

    it('refuses a microservice message quietly', async () => {
      const { token } = await app().login();
      assert.equal(await (await guard()).canActivate(contextOf('rpc', [{ token }, { getPattern: () => 'profile' }])), false);
    });

    it('lets an @AllowAnonymous() handler through in any context', async () => {
      assert.equal(await (await guard()).canActivate(contextOf('ws', [{}, {}], 'open')), true);
      assert.equal(await (await guard()).canActivate(contextOf('rpc', [{}, {}], 'open')), true);
    });

    it('authenticates the HTTP request a getRequest override hands over (GraphQL), and refuses it without a valid token', async () => {
      const { token } = await app().login();
      const req: Record<string, unknown> = { headers: { authorization: `Bearer ${token}` } };
      assert.equal(await (await guard(ContextRequestGuard)).canActivate(contextOf('graphql', [undefined, {}, { req }, {}])), true);
      const user = req.user as { id: number; username: string };
      assert.deepEqual([user.id, user.username], [1, 'alice']);
      const forged = { headers: { authorization: `Bearer ${token.slice(0, -2)}xx` } };
      await assert.rejects((await guard(ContextRequestGuard)).canActivate(contextOf('graphql', [undefined, {}, { req: forged }, {}])), { status: 401 });
    });
  });
});
