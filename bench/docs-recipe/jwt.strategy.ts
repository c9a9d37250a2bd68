import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import passportJwt from 'passport-jwt';
import { jwtConstants } from './constants.js';

interface DocsPayload {
  sub: number;
  username: string;
}

/** The docs recipe's JwtStrategy, unchanged but for the payload type. */
@Injectable()
export class JwtStrategy extends PassportStrategy(passportJwt.Strategy) {
  constructor() {
    super({
      jwtFromRequest: passportJwt.ExtractJwt.fromAuthHeaderAsBearerToken(),
      ignoreExpiration: false,
      secretOrKey: jwtConstants.secret,
    });
  }

  async validate(payload: DocsPayload): Promise<{ userId: number; username: string }> {
    return { userId: payload.sub, username: payload.username };
  }
}
