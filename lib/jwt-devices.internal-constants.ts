export const JWT_DEVICES_OPTIONS = Symbol('JWT_DEVICES_OPTIONS');
export const JWT_DEVICES_RAW_OPTIONS = Symbol('JWT_DEVICES_RAW_OPTIONS');
/** The options as validated once at boot, keys included: only the two providers below read them. */
export const JWT_DEVICES_VALIDATED_OPTIONS = Symbol('JWT_DEVICES_VALIDATED_OPTIONS');
/** The signing and verification keys: the module's JwtService and passport-jwt (the jwt-devices strategy) read them, nothing else. */
export const JWT_DEVICES_SIGNING_KEYS = Symbol('JWT_DEVICES_SIGNING_KEYS');
/** The permanent-token MAC keys, injected into DevicesService only. */
export const JWT_DEVICES_PERMANENT_TOKEN_KEYS = Symbol('JWT_DEVICES_PERMANENT_TOKEN_KEYS');
export const DEVICE_REPOSITORY = Symbol('JWT_DEVICES_DEVICE_REPOSITORY');
export const ALLOW_PERMANENT_TOKEN = 'jwt-devices:allow-permanent-token';
export const ALLOW_ANONYMOUS = 'jwt-devices:allow-anonymous';
/** Where the guards leave the authenticated device on the request. */
export const REQUEST_DEVICE = Symbol('jwt-devices.device');
/** Where the guards leave the verified access-token claims on the request. */
export const REQUEST_CLAIMS = Symbol('jwt-devices.claims');
/** The module's own JwtService, configured with the signing keys (crypto/access-token-jwt.ts). */
export const JWT_DEVICES_JWT_SERVICE = Symbol('JWT_DEVICES_JWT_SERVICE');
/** The DeviceInvalidationBus of the `invalidation` option, or null. */
export const JWT_DEVICES_INVALIDATION_BUS = Symbol('JWT_DEVICES_INVALIDATION_BUS');
