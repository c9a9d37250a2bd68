import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { TEST_SECRET, type LoginBody } from '../fixtures/test-app.js';
import { forEachServer, useFreshDatabase } from '../support/databases.js';
import { bearer, useArena } from './support/arena.js';
import { decodeClaims, forge, hmac, rsaPair, rsaPkcs1, rsaPss, unsigned, type Segment, type Signer } from './support/jws-forge.js';

const ISSUER = 'https://auth.example';
const AUDIENCE = 'mobile-api';
const LEEWAY = 30;
const HS256 = { alg: 'HS256', typ: 'JWT' };
const RS256 = { alg: 'RS256', typ: 'JWT' };
const ATTACKER_SECRET = 'attacker-chosen-secret-of-32-bytes-or-more';

type Claims = Record<string, unknown>;

/** What an attacker holds when forging: their own login, the victim's token, and ids of other devices. */
interface Scene {
  now: number;
  victim: LoginBody;
  /** The victim's token claims with a fresh iat/exp; an `undefined` value drops the claim (JSON.stringify leaves it out). */
  claims(overrides?: Claims): Claims;
  /** The attacker's own (valid) claims, same freshness. */
  attackerClaims(overrides?: Claims): Claims;
  attacker: LoginBody;
  loggedOutDeviceId: number;
  disabled: LoginBody;
  deleted: LoginBody;
}

interface TokenCase {
  name: string;
  token(scene: Scene): string;
}

/** Signed with the app's own secret: only what the case changes differs from a real token. */
const signed = (payload: Segment, header: Segment = HS256): string => forge(header, payload, hmac(TEST_SECRET));

/** JSON text with keys in the given order, repeats included (which JSON.stringify cannot write). */
function rawJson(entries: Array<[string, unknown]>): { raw: string } {
  return { raw: `{${entries.map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value)}`).join(',')}}` };
}

function entriesOf(claims: Claims): Array<[string, unknown]> {
  return Object.entries(claims);
}

const ALG_NONE_SPELLINGS = ['none', 'None', 'NONE', 'nOnE', 'none ', ' none', 'none\u0000', ''];

const HS_CASES: TokenCase[] = [
  // alg "none" and other names of no signature
  ...ALG_NONE_SPELLINGS.map((alg) => ({
    name: `alg ${JSON.stringify(alg)} with an empty signature`,
    token: (s: Scene) => forge({ alg, typ: 'JWT' }, s.claims(), unsigned),
  })),
  ...['none', 'NONE'].map((alg) => ({
    name: `alg ${JSON.stringify(alg)} over a valid HMAC of the token`,
    token: (s: Scene) => signed(s.claims(), { alg, typ: 'JWT' }),
  })),
  { name: 'alg null, signed with the right secret', token: (s) => signed(s.claims(), { alg: null, typ: 'JWT' }) },
  { name: 'no alg at all, signed with the right secret', token: (s) => signed(s.claims(), { typ: 'JWT' }) },
  { name: 'alg ["HS256"] (an array), signed with the right secret', token: (s) => signed(s.claims(), { alg: ['HS256'] }) },
  { name: 'alg "hs256" (lower case), signed with the right secret', token: (s) => signed(s.claims(), { alg: 'hs256' }) },
  { name: 'alg "HS256 " (a trailing space), signed with the right secret', token: (s) => signed(s.claims(), { alg: 'HS256 ' }) },
  // other keys and algorithms
  { name: 'HS256 signed with another secret', token: (s) => forge(HS256, s.claims(), hmac(ATTACKER_SECRET)) },
  { name: 'HS256 signed with an empty secret', token: (s) => forge(HS256, s.claims(), hmac('')) },
  { name: 'HS256 signed with the secret minus its last byte', token: (s) => forge(HS256, s.claims(), hmac(TEST_SECRET.slice(0, -1))) },
  { name: 'an HS384 header and signature with the right secret (not the pinned algorithm)', token: (s) => forge({ alg: 'HS384' }, s.claims(), hmac(TEST_SECRET, 'sha384')) },
  { name: 'an HS256 header over an HS512 signature with the right secret', token: (s) => forge(HS256, s.claims(), hmac(TEST_SECRET, 'sha512')) },
  { name: "an RS256 token signed with the attacker's RSA key", token: (s) => forge(RS256, s.claims(), rsaPkcs1(attackerRsa().privateKey)) },
  // headers that would pick the key
  { name: "a jwk header carrying the attacker's HMAC key, signed with it", token: (s) => forge({ ...HS256, jwk: { kty: 'oct', k: Buffer.from(ATTACKER_SECRET).toString('base64url') } }, s.claims(), hmac(ATTACKER_SECRET)) },
  { name: 'a jwk header, even signed with the right secret', token: (s) => signed(s.claims(), { ...HS256, jwk: { kty: 'oct', k: Buffer.from(TEST_SECRET).toString('base64url') } }) },
  { name: "a jku header pointing at the attacker's key set, signed with the attacker's key", token: (s) => forge({ ...HS256, jku: 'https://attacker.example/jwks.json' }, s.claims(), hmac(ATTACKER_SECRET)) },
  { name: 'a jku header, even signed with the right secret', token: (s) => signed(s.claims(), { ...HS256, jku: 'https://attacker.example/jwks.json' }) },
  { name: 'an x5u header, even signed with the right secret', token: (s) => signed(s.claims(), { ...HS256, x5u: 'https://attacker.example/cert.pem' }) },
  { name: 'an x5c header, even signed with the right secret', token: (s) => signed(s.claims(), { ...HS256, x5c: ['MIIBattacker'] }) },
  { name: 'a crit header, even signed with the right secret', token: (s) => signed(s.claims(), { ...HS256, crit: ['exp'] }) },
  { name: 'a kid of /dev/null with an HMAC under an empty key', token: (s) => forge({ ...HS256, kid: '../../../../../../dev/null' }, s.claims(), hmac('')) },
  { name: "a kid that injects SQL selecting the attacker's key, signed with it", token: (s) => forge({ ...HS256, kid: "x' UNION SELECT 'attacker-chosen-secret-of-32-bytes-or-more' -- " }, s.claims(), hmac(ATTACKER_SECRET)) },
  { name: "a kid naming the attacker's key, signed with it", token: (s) => forge({ ...HS256, kid: 'attacker' }, s.claims(), hmac(ATTACKER_SECRET)) },
  // time
  { name: 'no exp', token: (s) => signed(s.claims({ exp: undefined })) },
  { name: 'exp null', token: (s) => signed(s.claims({ exp: null })) },
  { name: 'exp as a string of a future time', token: (s) => signed(s.claims({ exp: String(s.now + 300) })) },
  { name: 'exp Infinity (1e400 in the JSON text)', token: (s) => signed({ raw: JSON.stringify(s.claims({ exp: 0 })).replace('"exp":0', '"exp":1e400') }) },
  { name: `exp ${LEEWAY + 1} s in the past (just beyond the ${LEEWAY} s leeway)`, token: (s) => signed(s.claims({ iat: s.now - 600, exp: s.now - LEEWAY - 1 })) },
  { name: 'exp a day in the past', token: (s) => signed(s.claims({ iat: s.now - 2 * 86400, exp: s.now - 86400 })) },
  { name: 'exp negative', token: (s) => signed(s.claims({ exp: -1 })) },
  { name: 'no iat', token: (s) => signed(s.claims({ iat: undefined })) },
  { name: `iat ${LEEWAY + 1} s in the future`, token: (s) => signed(s.claims({ iat: s.now + LEEWAY + 1, exp: s.now + 600 })) },
  { name: 'iat a year in the future', token: (s) => signed(s.claims({ iat: s.now + 365 * 86400, exp: s.now + 366 * 86400 })) },
  { name: 'iat as a string', token: (s) => signed(s.claims({ iat: String(s.now) })) },
  { name: `nbf ${LEEWAY + 1} s in the future`, token: (s) => signed(s.claims({ nbf: s.now + LEEWAY + 1 })) },
  { name: 'nbf a day in the future', token: (s) => signed(s.claims({ nbf: s.now + 86400 })) },
  { name: 'nbf as a string', token: (s) => signed(s.claims({ nbf: String(s.now - 10) })) },
  // issuer and audience
  { name: 'a wrong iss', token: (s) => signed(s.claims({ iss: 'https://attacker.example' })) },
  { name: 'no iss', token: (s) => signed(s.claims({ iss: undefined })) },
  { name: 'iss in another letter case', token: (s) => signed(s.claims({ iss: ISSUER.toUpperCase() })) },
  { name: 'iss with a trailing slash', token: (s) => signed(s.claims({ iss: `${ISSUER}/` })) },
  { name: 'iss as an array holding the issuer', token: (s) => signed(s.claims({ iss: [ISSUER] })) },
  { name: 'a wrong aud', token: (s) => signed(s.claims({ aud: 'admin-api' })) },
  { name: 'no aud', token: (s) => signed(s.claims({ aud: undefined })) },
  { name: 'an aud list without the audience', token: (s) => signed(s.claims({ aud: ['admin-api', 'web'] })) },
  { name: 'aud in another letter case', token: (s) => signed(s.claims({ aud: AUDIENCE.toUpperCase() })) },
  { name: 'aud as an object', token: (s) => signed(s.claims({ aud: { [AUDIENCE]: true } })) },
  // duplicated claims: JSON.parse keeps the last, and the last must decide everything
  {
    name: "user_id twice, the attacker's first and the victim's last, on the attacker's device",
    token: (s) => signed(rawJson([['user_id', s.attackerClaims().user_id], ...entriesOf(s.attackerClaims()).filter(([key]) => key !== 'user_id'), ['user_id', s.claims().user_id]])),
  },
  {
    name: "device_id twice, the attacker's first and the victim's last, with the attacker's user_id",
    token: (s) => signed(rawJson([...entriesOf(s.attackerClaims()), ['device_id', String(s.victim.device_id)]])),
  },
  {
    name: "device_id twice, the victim's first and the attacker's last, with the victim's user_id",
    token: (s) => signed(rawJson([...entriesOf(s.claims()), ['device_id', String(s.attacker.device_id)]])),
  },
  { name: 'exp twice, a future one first and a past one last', token: (s) => signed(rawJson([...entriesOf(s.claims()), ['exp', s.now - 3600]])) },
  { name: 'iss twice, the issuer first and a wrong one last', token: (s) => signed(rawJson([...entriesOf(s.claims()), ['iss', 'https://attacker.example']])) },
  { name: 'alg twice in the header, HS256 first and none last', token: (s) => signed(s.claims(), { raw: '{"alg":"HS256","typ":"JWT","alg":"none"}' }) },
  // device_id
  { name: 'device_id as a number', token: (s) => signed(s.claims({ device_id: s.victim.device_id })) },
  { name: 'device_id negative', token: (s) => signed(s.claims({ device_id: `-${s.victim.device_id}` })) },
  { name: 'device_id "0"', token: (s) => signed(s.claims({ device_id: '0' })) },
  { name: 'device_id beyond the safe-integer range', token: (s) => signed(s.claims({ device_id: '9007199254740993' })) },
  { name: 'device_id of 400 digits', token: (s) => signed(s.claims({ device_id: '9'.repeat(400) })) },
  { name: 'device_id with a leading zero', token: (s) => signed(s.claims({ device_id: `0${s.victim.device_id}` })) },
  { name: 'device_id with surrounding spaces', token: (s) => signed(s.claims({ device_id: ` ${s.victim.device_id} ` })) },
  { name: 'device_id as a decimal', token: (s) => signed(s.claims({ device_id: `${s.victim.device_id}.0` })) },
  { name: 'device_id in full-width digits', token: (s) => signed(s.claims({ device_id: String(s.victim.device_id).replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d))) })) },
  { name: 'device_id as SQL', token: (s) => signed(s.claims({ device_id: `${s.victim.device_id} OR 1=1` })) },
  { name: 'device_id null', token: (s) => signed(s.claims({ device_id: null })) },
  { name: 'device_id as an array', token: (s) => signed(s.claims({ device_id: [String(s.victim.device_id)] })) },
  { name: 'device_id as an object', token: (s) => signed(s.claims({ device_id: { id: s.victim.device_id } })) },
  { name: 'device_id true', token: (s) => signed(s.claims({ device_id: true })) },
  { name: 'no device_id', token: (s) => signed(s.claims({ device_id: undefined })) },
  { name: "another user's device_id", token: (s) => signed(s.claims({ device_id: String(s.attacker.device_id) })) },
  { name: 'the device_id of a logged-out device', token: (s) => signed(s.claims({ device_id: String(s.loggedOutDeviceId) })) },
  // user_id and username
  { name: "the attacker's user_id on the victim's device", token: (s) => signed(s.claims({ user_id: s.attackerClaims().user_id, username: s.attackerClaims().username })) },
  { name: "the victim's user_id on the attacker's device", token: (s) => signed(s.attackerClaims({ user_id: s.claims().user_id, username: s.claims().username })) },
  { name: "the victim's user_id and device with the attacker's username", token: (s) => signed(s.claims({ username: s.attackerClaims().username })) },
  { name: 'user_id 0', token: (s) => signed(s.claims({ user_id: 0 })) },
  { name: 'user_id negative', token: (s) => signed(s.claims({ user_id: -1 })) },
  { name: 'user_id 1.5', token: (s) => signed(s.claims({ user_id: 1.5 })) },
  { name: 'user_id null', token: (s) => signed(s.claims({ user_id: null })) },
  { name: 'user_id as an array', token: (s) => signed(s.claims({ user_id: [s.claims().user_id] })) },
  { name: 'user_id as an object', token: (s) => signed(s.claims({ user_id: { id: s.claims().user_id } })) },
  { name: 'user_id of 65 characters', token: (s) => signed(s.claims({ user_id: '1'.repeat(65) })) },
  { name: 'no user_id', token: (s) => signed(s.claims({ user_id: undefined })) },
  { name: 'the token of a disabled user', token: (s) => s.disabled.token },
  { name: 'the token of a deleted user', token: (s) => s.deleted.token },
  // shape and encoding
  { name: 'a token missing its last character', token: (s) => s.victim.token.slice(0, -1) },
  {
    name: 'a token whose HMAC signature is one byte short, re-encoded as canonical base64url',
    token: (s) => { const [h, p, sig] = s.victim.token.split('.'); return `${h}.${p}.${Buffer.from(sig, 'base64url').subarray(0, -1).toString('base64url')}`; },
  },
  { name: 'a token without its signature', token: (s) => s.victim.token.slice(0, s.victim.token.lastIndexOf('.') + 1) },
  { name: 'a token of two segments', token: (s) => s.victim.token.slice(0, s.victim.token.lastIndexOf('.')) },
  { name: 'a token with an empty payload segment', token: (s) => { const [h, , sig] = s.victim.token.split('.'); return `${h}..${sig}`; } },
  { name: 'a token with "=" padding after the signature', token: (s) => `${s.victim.token}=` },
  { name: 'a token with "==" padding after the header', token: (s) => { const [h, p, sig] = s.victim.token.split('.'); return `${h}==.${p}.${sig}`; } },
  { name: 'a token with an extra segment', token: (s) => `${s.victim.token}.${s.victim.token.split('.')[2]}` },
  { name: 'a token with a leading dot', token: (s) => `.${s.victim.token}` },
  { name: 'a five-segment (JWE-shaped) token', token: (s) => `${s.victim.token}.AAAA.BBBB` },
  ...['+', '/', '*', '%', '~', '!'].map((bad) => ({
    name: `a token with "${bad}" in its payload`,
    token: (s: Scene) => { const [h, p, sig] = s.victim.token.split('.'); return `${h}.${p.slice(0, 7)}${bad}${p.slice(8)}.${sig}`; },
  })),
  { name: 'a token whose signature is in upper case', token: (s) => { const [h, p, sig] = s.victim.token.split('.'); return `${h}.${p}.${sig.toUpperCase()}`; } },
  { name: 'a payload that is not JSON, signed with the right secret', token: () => signed({ raw: 'user_id=1&device_id=1' }) },
  { name: 'a payload that is a JSON array, signed with the right secret', token: (s) => signed({ raw: JSON.stringify([s.claims()]) }) },
  { name: 'a payload that is JSON null, signed with the right secret', token: () => signed({ raw: 'null' }) },
  { name: 'a payload with a byte-order mark, signed with the right secret', token: (s) => signed({ raw: `\ufeff${JSON.stringify(s.claims())}` }) },
  { name: 'a header that is not JSON, signed with the right secret', token: (s) => signed(s.claims(), { raw: 'HS256' }) },
  { name: 'a token just over the 8192-character limit, signed with the right secret', token: (s) => padTo(8193, s) },
  { name: 'a 12 KB token signed with the right secret', token: (s) => padTo(12 * 1024, s) },
];

/** A validly signed token of `length` characters or up to two more (base64url skips some lengths), grown with a junk claim. */
function padTo(length: number, s: Scene): string {
  let padding = 'x'.repeat(Math.max(0, Math.floor(((length - 400) * 3) / 4)));
  let token = signed(s.claims({ padding }));
  while (token.length > length) token = signed(s.claims({ padding: (padding = padding.slice(0, -1)) }));
  while (token.length < length) token = signed(s.claims({ padding: (padding += 'x') }));
  return token;
}

let attackerKeys: { privateKey: string; publicKey: string } | undefined;
function attackerRsa(): { privateKey: string; publicKey: string } {
  attackerKeys ??= rsaPair();
  return attackerKeys;
}

forEachServer((database) => {
  describe('forged and tampered access tokens: HS256 with issuer, audience and a 30 s leeway', () => {
    const arena = useArena(useFreshDatabase(database), { module: { issuer: ISSUER, audience: AUDIENCE, leeway: LEEWAY, allowRefresh: true } });
    let scene: Omit<Scene, 'now' | 'claims' | 'attackerClaims'> & { victimClaims: Claims; attackerBase: Claims };
    const fresh = (): Scene => {
      const now = Math.floor(arena().app.clock.now().getTime() / 1000);
      const stamp = (base: Claims, overrides: Claims = {}) => ({ ...base, iat: now, exp: now + 300, ...overrides });
      return { ...scene, now, claims: (o) => stamp(scene.victimClaims, o), attackerClaims: (o) => stamp(scene.attackerBase, o) };
    };

    before(async () => {
      const a = arena();
      const victim = await a.login('alice');
      await a.login('alice'); // a second device of the victim, which logout-others would delete
      const attacker = await a.login('bob');
      const gone = await a.login('alice');
      const logout = await a.request({ method: 'DELETE', path: '/device-logout', headers: { ...bearer(gone.token), 'Device-Id': String(gone.device_id) } });
      assert.equal(logout.status, 204);
      a.app.users.add('carol', 'carol-password');
      a.app.users.add('dave', 'dave-password');
      const disabled = await a.login('carol');
      const deleted = await a.login('dave');
      a.app.users.disable('carol');
      a.app.users.remove('dave');
      scene = {
        victim,
        attacker,
        loggedOutDeviceId: gone.device_id,
        disabled,
        deleted,
        victimClaims: decodeClaims(victim.token),
        attackerBase: decodeClaims(attacker.token),
      };
    });

    it('a token forged here from the victim claims with the right secret authenticates (the forging is sound)', async () => {
      const response = await arena().whoAmI(bearer(signed(fresh().claims())));
      assert.equal(response.status, 200, response.text);
      assert.deepEqual(response.json, { id: 1, username: 'alice', device_id: scene.victim.device_id });
    });

    for (const { name, token } of HS_CASES) {
      it(`refuses ${name}: 401 on app and module routes, 400 on verify, nothing changed`, async () => {
        const forged = token(fresh());
        await arena().assertAccessTokenRefused(bearer(forged), forged);
      });
    }

    it("user_id twice, the victim's first and the attacker's last, authenticates as the attacker (the last wins, RFC 7519 §4), never as the victim", async () => {
      const s = fresh();
      const attackerClaims = s.attackerClaims();
      const entries: Array<[string, unknown]> = [['user_id', s.claims().user_id], ...entriesOf(attackerClaims)];
      const forged = signed(rawJson(entries));
      assert.ok(Buffer.from(forged.split('.')[1], 'base64url').toString().startsWith('{"user_id":1,'), 'the victim id comes first in the text');
      const me = await arena().whoAmI(bearer(forged));
      assert.equal(me.status, 200, me.text);
      assert.deepEqual(me.json, { id: 2, username: 'bob', device_id: scene.attacker.device_id });
      const devices = await arena().request<Array<{ id: number }>>({ method: 'GET', path: '/devices', headers: bearer(forged) });
      assert.equal(devices.status, 200);
      assert.deepEqual(devices.json!.map(({ id }) => id), [scene.attacker.device_id], "only the attacker's own devices are listed");
    });

    it('a kid header never selects a key: with the right signature it changes nothing, and it is not echoed', async () => {
      const response = await arena().whoAmI(bearer(signed(fresh().claims(), { ...HS256, kid: 'attacker' })));
      assert.equal(response.status, 200, response.text);
      assert.deepEqual(response.json, { id: 1, username: 'alice', device_id: scene.victim.device_id });
    });

    it(`exp ${LEEWAY - 1} s in the past still works: the leeway is the configured one, not wider or narrower`, async () => {
      const s = fresh();
      const response = await arena().whoAmI(bearer(signed(s.claims({ iat: s.now - 600, exp: s.now - LEEWAY + 1 }))));
      assert.equal(response.status, 200, response.text);
    });
  });

  describe('algorithm confusion against an RS256 app', () => {
    const keys = rsaPair();
    const arena = useArena(useFreshDatabase(database), { module: { algorithm: 'RS256', secret: undefined, ...keys } });
    let claims: () => Claims;
    before(async () => {
      const login = await arena().login('alice');
      const base = decodeClaims(login.token);
      claims = () => {
        const now = Math.floor(arena().app.clock.now().getTime() / 1000);
        return { ...base, iat: now, exp: now + 300 };
      };
    });

    const publicKey = createPublicKey(keys.publicKey);
    const spellings: Array<[string, string | Buffer]> = [
      ['the SPKI PEM text', keys.publicKey],
      ['the SPKI PEM without its final newline', keys.publicKey.trimEnd()],
      ['the PKCS#1 PEM text', publicKey.export({ type: 'pkcs1', format: 'pem' }) as string],
      ['the SPKI DER bytes', publicKey.export({ type: 'spki', format: 'der' })],
    ];
    const cases: Array<{ name: string; header: Segment; signer: Signer }> = [
      ...spellings.map(([label, key]) => ({ name: `HS256 signed with the public key as ${label}`, header: HS256, signer: hmac(key) })),
      { name: 'HS512 signed with the public key PEM', header: { alg: 'HS512' }, signer: hmac(keys.publicKey, 'sha512') },
      { name: 'an RS256 header over an HMAC keyed with the public key PEM', header: RS256, signer: hmac(keys.publicKey) },
      { name: 'alg none with an empty signature', header: { alg: 'none' }, signer: unsigned },
      { name: "RS256 signed with the attacker's RSA key", header: RS256, signer: rsaPkcs1(attackerRsa().privateKey) },
      {
        name: "RS256 with the attacker's public key embedded as jwk, signed with the attacker's key",
        header: { ...RS256, jwk: createPublicKey(attackerRsa().publicKey).export({ format: 'jwk' }) },
        signer: rsaPkcs1(attackerRsa().privateKey),
      },
      { name: "RS256 with a jku to the attacker's key set, signed with the attacker's key", header: { ...RS256, jku: 'https://attacker.example/jwks.json' }, signer: rsaPkcs1(attackerRsa().privateKey) },
      { name: "RS256 with an x5u to the attacker's certificate, signed with the attacker's key", header: { ...RS256, x5u: 'https://attacker.example/cert.pem' }, signer: rsaPkcs1(attackerRsa().privateKey) },
      { name: 'RS256 with a jwk of the right public key, signed with the right key (key headers are refused outright)', header: { ...RS256, jwk: publicKey.export({ format: 'jwk' }) }, signer: rsaPkcs1(keys.privateKey) },
      { name: 'PS256 signed with the right private key (not the pinned algorithm)', header: { alg: 'PS256' }, signer: rsaPss(keys.privateKey) },
      { name: 'an RS256 header over a PSS signature by the right key', header: RS256, signer: rsaPss(keys.privateKey) },
      { name: 'RS512 signed with the right private key', header: { alg: 'RS512' }, signer: rsaPkcs1(keys.privateKey, 'sha512') },
      { name: 'RS256 with an all-zero 256-byte signature', header: RS256, signer: () => Buffer.alloc(256) },
    ];

    it('an RS256 token forged here with the private key authenticates (the forging is sound)', async () => {
      const response = await arena().whoAmI(bearer(forge(RS256, claims(), rsaPkcs1(keys.privateKey))));
      assert.equal(response.status, 200, response.text);
    });

    for (const { name, header, signer } of cases) {
      it(`refuses ${name}: 401 on app and module routes, 400 on verify, nothing changed`, async () => {
        const forged = forge(header, claims(), signer);
        await arena().assertAccessTokenRefused(bearer(forged), forged);
      });
    }
  });
});
