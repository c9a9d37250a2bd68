import { Injectable, type PipeTransform } from '@nestjs/common';
import { validateBody } from './body-validation.js';
import { TokenDto } from './token.dto.js';

@Injectable()
export class TokenBodyPipe implements PipeTransform<unknown, Promise<TokenDto>> {
  transform(body: unknown): Promise<TokenDto> {
    return validateBody(TokenDto, body, { token: 'token' });
  }
}
