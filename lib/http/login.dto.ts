import { IsNotEmpty, IsString, Matches, MaxLength } from 'class-validator';

export const MAX_CREDENTIAL_LENGTH = 1024;
const NOT_BLANK = /\S/;
// eslint-disable-next-line no-control-regex
const NO_NUL = /^[^\u0000]*$/;

/** The login body; `username` is read from the configured `usernameField`. */
export class LoginDto {
  @IsString({ message: '$property must be a string' })
  @IsNotEmpty({ message: '$property should not be empty' })
  @Matches(NOT_BLANK, { message: '$property should not be blank' })
  @Matches(NO_NUL, { message: '$property must not contain NUL characters' })
  @MaxLength(MAX_CREDENTIAL_LENGTH, { message: `$property must be at most ${MAX_CREDENTIAL_LENGTH} characters` })
  username: string;

  @IsString({ message: '$property must be a string' })
  @IsNotEmpty({ message: '$property should not be empty' })
  @Matches(NO_NUL, { message: '$property must not contain NUL characters' })
  @MaxLength(MAX_CREDENTIAL_LENGTH, { message: `$property must be at most ${MAX_CREDENTIAL_LENGTH} characters` })
  password: string;
}
