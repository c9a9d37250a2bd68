import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Logger } from '@nestjs/common';
import { describeError } from '../../lib/invalidation/describe-error.js';
import { decodeRevocations, encodeRevocations } from '../../lib/invalidation/revocation-messages.js';
import { RevocationOutbox } from '../../lib/invalidation/revocation-outbox.js';

/** A transport that is down until `up` is set, recording what went through. */
function transport() {
  const state: { up: boolean; sent: string[] } = { up: false, sent: [] };
  const send = async (message: string) => {
    if (!state.up) throw Object.assign(new Error('connect ECONNREFUSED redis://user:secret@host'), { code: 'ECONNREFUSED' });
    state.sent.push(message);
  };
  return { state, send };
}

const quietLogger = () => Object.assign(new Logger('test'), { log: () => undefined, error: () => undefined });

describe('revocation messages', () => {
  it('split ids into messages of a bounded size and read them back; anything else in a message is ignored', () => {
    assert.deepEqual(encodeRevocations([1, 2, 3, 4, 5], 2), ['1,2', '3,4', '5']);
    assert.deepEqual(encodeRevocations('all', 2), ['*']);
    assert.deepEqual(decodeRevocations('1,2,x,-3,4.5,9'), [1, 2, 9]);
    assert.equal(decodeRevocations('*'), 'all');
  });
});

describe('RevocationOutbox', () => {
  it('never rejects when the transport is down, and sends what it kept once flushed', async () => {
    const { state, send } = transport();
    const outbox = new RevocationOutbox(send, 1000, quietLogger(), describeError);
    try {
      await outbox.publish([1, 2]);
      await outbox.publish([3]);
      assert.equal(state.sent.length, 0);
      state.up = true;
      outbox.flush();
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(state.sent.flatMap((message) => message.split(',')).map(Number).sort(), [1, 2, 3]);
    } finally {
      outbox.close();
    }
  });

  it('keeps at most 10,000 ids: beyond that, one "drop everything" replaces them', async () => {
    const { state, send } = transport();
    const outbox = new RevocationOutbox(send, 1000, quietLogger(), describeError);
    try {
      await outbox.publish(Array.from({ length: 10_001 }, (_, index) => index + 1));
      state.up = true;
      outbox.flush();
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(state.sent, ['*']);
    } finally {
      outbox.close();
    }
  });

  it('names a failure by its kind only, never by its message (which may quote a URL with a password)', () => {
    assert.equal(describeError(Object.assign(new Error('redis://user:secret@host'), { code: 'ECONNREFUSED' })), 'Error ECONNREFUSED');
  });
});
