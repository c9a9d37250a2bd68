/** The `exp` and `iat` claims of a JWT, read without verifying it: only to decide when to refresh. */
export interface AccessTokenTimes {
  exp?: number;
  iat?: number;
}

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Decodes base64url to a binary string; no atob, which older React Native engines lack. */
function decodeBase64Url(text: string): string | undefined {
  let bits = 0;
  let value = 0;
  let output = '';
  for (const char of text.replace(/=+$/, '')) {
    const index = BASE64URL.indexOf(char);
    if (index < 0) return undefined;
    value = (value << 6) | index;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      output += String.fromCharCode((value >> bits) & 0xff);
    }
  }
  return output;
}

/** The token's times, or `{}` when it is not a JWT with a JSON payload. */
export function readAccessTokenTimes(token: string): AccessTokenTimes {
  const payload = token.split('.')[1];
  const json = payload === undefined ? undefined : decodeBase64Url(payload);
  if (json === undefined) return {};
  try {
    // Multi-byte UTF-8 stays as Latin-1 characters inside JSON strings: harmless for the numbers read here.
    const claims: unknown = JSON.parse(json);
    if (typeof claims !== 'object' || claims === null) return {};
    const { exp, iat } = claims as Record<string, unknown>;
    return { exp: typeof exp === 'number' ? exp : undefined, iat: typeof iat === 'number' ? iat : undefined };
  } catch {
    return {};
  }
}

/**
 * Whether the token should be refreshed before use: within `skewSeconds` of its `exp`, the skew
 * capped at half the token's lifetime so short-lived tokens are still used. A token without `exp`
 * is left to the server's 401.
 */
export function isAccessTokenStale(token: string, nowMs: number, skewSeconds: number): boolean {
  const { exp, iat } = readAccessTokenTimes(token);
  if (exp === undefined) return false;
  const lifetime = iat !== undefined && exp > iat ? exp - iat : Infinity;
  const skew = Math.min(skewSeconds, lifetime / 2);
  return nowMs / 1000 >= exp - skew;
}
