import { constants, createHash, createPrivateKey, createHmac, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

/** A segment as JSON, or `{ raw }` text taken byte for byte (duplicated keys, Infinity, trailing commas). */
export type Segment = object | { raw: string };
export type Signer = (input: string) => Buffer | string;

export function encodeSegment(segment: Segment): string {
  const text = 'raw' in segment && typeof segment.raw === 'string' ? segment.raw : JSON.stringify(segment);
  return Buffer.from(text, 'utf8').toString('base64url');
}

/** A compact JWS whose every byte the attacker chooses; the signer gets the signing input. */
export function forge(header: Segment, payload: Segment, signer: Signer): string {
  const input = `${encodeSegment(header)}.${encodeSegment(payload)}`;
  const signature = signer(input);
  return `${input}.${typeof signature === 'string' ? signature : signature.toString('base64url')}`;
}

export const hmac =
  (key: string | Buffer, hash = 'sha256'): Signer =>
  (input) =>
    createHmac(hash, key).update(input).digest();

export const rsaPkcs1 =
  (privateKey: string | KeyObject, hash = 'sha256'): Signer =>
  (input) =>
    sign(hash, Buffer.from(input), privateKey);

export const rsaPss =
  (privateKey: string, hash = 'sha256'): Signer =>
  (input) =>
    sign(hash, Buffer.from(input), { key: createPrivateKey(privateKey), padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });

export const unsigned: Signer = () => '';

export function decodeClaims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
}

export function signatureOf(token: string): string {
  return token.slice(token.lastIndexOf('.') + 1);
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export interface PemPair {
  privateKey: string;
  publicKey: string;
}

export function rsaPair(modulusLength = 2048): PemPair {
  return generateKeyPairSync('rsa', {
    modulusLength,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
}
