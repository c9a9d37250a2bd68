import { IsDefined, IsNotEmpty, IsString, Matches, MaxLength } from 'class-validator';

export const MAX_CREDENTIAL_LENGTH = 1024;
const NOT_BLANK = /\S/;
// eslint-disable-next-line no-control-regex
const NO_NUL = /^[^\u0000]*$/;

// class-validator runs the lowest decorator first; with stopAtFirstError each field gets its most basic message.

/** What a login hands on. An interface, so a handler parameter of this type leaves an app's global ValidationPipe nothing to do. */
export interface LoginCredentials {
  username: string;
  password: string;
}

/** The login body; `username` is read from the configured `usernameField`. */
export class LoginDto implements LoginCredentials {
  @MaxLength(MAX_CREDENTIAL_LENGTH, { message: `$property must be at most ${MAX_CREDENTIAL_LENGTH} characters` })
  @Matches(NO_NUL, { message: '$property must not contain NUL characters' })
  @Matches(NOT_BLANK, { message: '$property should not be blank' })
  @IsNotEmpty({ message: '$property should not be empty' })
  @IsString({ message: '$property must be a string' })
  @IsDefined({ message: '$property is required' })
  username: string;

  @MaxLength(MAX_CREDENTIAL_LENGTH, { message: `$property must be at most ${MAX_CREDENTIAL_LENGTH} characters` })
  @Matches(NO_NUL, { message: '$property must not contain NUL characters' })
  @IsNotEmpty({ message: '$property should not be empty' })
  @IsString({ message: '$property must be a string' })
  @IsDefined({ message: '$property is required' })
  password: string;
}
