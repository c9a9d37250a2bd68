import { IsEmail, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { EMAIL_MAX_LENGTH, USERNAME_MAX_LENGTH } from './user.entity.js';

// Django's username rule: letters, digits and @ . + - _
const USERNAME_PATTERN = /^[\p{L}\p{N}@.+_-]+$/u;
// Room for passphrases, with a bound on what one request can send.
const PASSWORD_MAX_LENGTH = 1024;
const PASSWORD_MIN_LENGTH = 8;
// Login refuses NUL bytes, so a password with one would make an account that can never log in.
// eslint-disable-next-line no-control-regex
const NO_NUL = /^[^\u0000]*$/;

export class CreateUserDto {
  @IsString()
  @Length(1, USERNAME_MAX_LENGTH)
  @Matches(USERNAME_PATTERN, { message: 'username may contain only letters, digits and @ . + - _' })
  username: string;

  @IsString()
  @Length(PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH)
  @Matches(NO_NUL, { message: 'password must not contain NUL characters' })
  password: string;

  @IsOptional()
  @IsEmail()
  @MaxLength(EMAIL_MAX_LENGTH)
  email?: string | null;
}
