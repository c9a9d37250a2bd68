/** Raised by UsersService.create; the controller turns it into 409. */
export class UsernameTakenError extends Error {
  constructor() {
    super('A user with that username already exists.');
    this.name = 'UsernameTakenError';
  }
}
