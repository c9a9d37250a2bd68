import { Injectable, type PipeTransform } from '@nestjs/common';
import { validateBody } from './body-validation.js';
import { TokenDto, type AccessTokenBody } from './token.dto.js';

@Injectable()
export class TokenBodyPipe implements PipeTransform<unknown, Promise<AccessTokenBody>> {
  transform(body: unknown): Promise<AccessTokenBody> {
    return validateBody(TokenDto, body, { token: 'token' });
  }
}
