import { Injectable } from '@nestjs/common';
import type { JwtClaims } from './jwt-payload.handler.js';

export interface JwtUserIdReader {
  userId(claims: JwtClaims): unknown;
}

export interface JwtUsernameReader {
  username(claims: JwtClaims): unknown;
}

@Injectable()
export class DefaultJwtUserIdReader implements JwtUserIdReader {
  userId(claims: JwtClaims): unknown {
    return claims.user_id;
  }
}

@Injectable()
export class DefaultJwtUsernameReader implements JwtUsernameReader {
  username(claims: JwtClaims): unknown {
    return claims.username;
  }
}
