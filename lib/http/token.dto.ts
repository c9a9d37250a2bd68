import { IsDefined, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { MAX_ACCESS_TOKEN_LENGTH } from '../tokens.service.js';

/** What `/auth-token/refresh` and `/auth-token/verify` hand on; an interface, as LoginCredentials is. */
export interface AccessTokenBody {
  token: string;
}

/** The body of `/auth-token/refresh` and `/auth-token/verify`; the lowest decorator runs first. */
export class TokenDto implements AccessTokenBody {
  @MaxLength(MAX_ACCESS_TOKEN_LENGTH, { message: `$property must be at most ${MAX_ACCESS_TOKEN_LENGTH} characters` })
  @IsNotEmpty({ message: '$property should not be empty' })
  @IsString({ message: '$property must be a string' })
  @IsDefined({ message: '$property is required' })
  token: string;
}
