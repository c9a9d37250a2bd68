import { createHmac } from 'node:crypto';

/** A compact HS256 JWS, so the bench needs no JWT library to make the docs recipe's tokens. */
export function signHs256(payload: object, secret: string): string {
  const encode = (part: object): string => Buffer.from(JSON.stringify(part)).toString('base64url');
  const input = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(payload)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}
