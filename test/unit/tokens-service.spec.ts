import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { accessTokenJwtService } from '../../lib/crypto/access-token-jwt.js';
import { DefaultJwtPayloadHandler } from '../../lib/handlers/jwt-payload.handler.js';
import { resolveOptions } from '../../lib/options/resolve-options.js';
import { TokensService } from '../../lib/tokens.service.js';
import { FakeClock } from '../fixtures/fake-clock.js';

const USER = { id: 7, username: 'alice', isActive: true };

function tokensService(): { tokens: TokensService; clock: FakeClock; cached: () => number } {
  const clock = new FakeClock(new Date('2026-11-26T00:00:00Z'));
  const options = resolveOptions({ secret: 'a-test-secret-of-at-least-32-bytes!!', accessTokenTtl: 300, userService: { validateCredentials: () => null, findById: () => null } });
  const tokens = new TokensService(options, accessTokenJwtService(options, options), clock, new DefaultJwtPayloadHandler());
  return { tokens, clock, cached: () => (tokens as unknown as { verified: { size: number } }).verified.size };
}

function keysOf() {
  const options = resolveOptions({ secret: 'a-test-secret-of-at-least-32-bytes!!', userService: { validateCredentials: () => null, findById: () => null } });
  return { signingKey: options.signingKey, verificationKey: options.verificationKey };
}

const flipLastCharacter = (token: string) => token.slice(0, -1) + (token.endsWith('A') ? 'Q' : 'A');

describe('TokensService access-token verification with its verified-token cache', () => {
  it('a token verified once is verified again from the cache, with the same claims, frozen', async () => {
    const { tokens, cached } = tokensService();
    const token = await tokens.issueAccessToken(USER, null);
    const first = tokens.verifyAccessToken(token);
    assert.equal(cached(), 1);
    const second = tokens.verifyAccessToken(token);
    assert.equal(second, first);
    assert.equal(second.user_id, 7);
    assert.ok(Object.isFrozen(second));
  });

  it('jsonwebtoken reads the module clock, not Date.now(): a token of a clock 10 years ahead verifies at that clock', async () => {
    const { tokens, clock } = tokensService();
    clock.set(new Date('2036-01-01T00:00:00Z'));
    const token = await tokens.issueAccessToken(USER, null);
    assert.equal(tokens.verifyAccessToken(token).iat, Date.parse('2036-01-01T00:00:00Z') / 1000);
  });

  it('a token without exp, or with iat ahead of the clock, is refused though jsonwebtoken would accept it', () => {
    const { tokens, clock } = tokensService();
    const now = Math.floor(clock.now().getTime() / 1000);
    const jwt = accessTokenJwtService({ algorithm: 'HS256', leeway: 0 }, keysOf());
    assert.throws(() => tokens.verifyAccessToken(jwt.sign({ user_id: 7, iat: now })), { name: 'InvalidAccessTokenError' });
    assert.throws(() => tokens.verifyAccessToken(jwt.sign({ user_id: 7, iat: now + 60, exp: now + 300 })), { name: 'InvalidAccessTokenError' });
    assert.equal(tokens.verifyAccessToken(jwt.sign({ user_id: 7, iat: now, exp: now + 300 })).user_id, 7, 'the control verifies');
  });

  it('a cached token is still refused once the clock passes its exp, and while the clock is behind its iat', async () => {
    const { tokens, clock } = tokensService();
    const token = await tokens.issueAccessToken(USER, null);
    tokens.verifyAccessToken(token);
    clock.advance(-60);
    assert.throws(() => tokens.verifyAccessToken(token), { name: 'InvalidAccessTokenError' });
    clock.advance(60 + 299);
    tokens.verifyAccessToken(token);
    clock.advance(1);
    assert.throws(() => tokens.verifyAccessToken(token), { name: 'InvalidAccessTokenError' });
  });

  it('refused tokens never take a place: a forged signature, or a good signature on an expired token', async () => {
    const { tokens, clock, cached } = tokensService();
    const token = await tokens.issueAccessToken(USER, null);
    assert.throws(() => tokens.verifyAccessToken(flipLastCharacter(token)), { name: 'InvalidAccessTokenError' });
    clock.advance(300);
    assert.throws(() => tokens.verifyAccessToken(token), { name: 'InvalidAccessTokenError' });
    assert.equal(cached(), 0);
  });
});
