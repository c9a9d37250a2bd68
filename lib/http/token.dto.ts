import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { MAX_ACCESS_TOKEN_LENGTH } from '../tokens.service.js';

/** The body of `/auth-token/refresh` and `/auth-token/verify`. */
export class TokenDto {
  @IsString({ message: '$property must be a string' })
  @IsNotEmpty({ message: '$property should not be empty' })
  @MaxLength(MAX_ACCESS_TOKEN_LENGTH, { message: `$property must be at most ${MAX_ACCESS_TOKEN_LENGTH} characters` })
  token: string;
}
