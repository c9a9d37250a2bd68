/** What the module needs to know of the app's users. */
export interface JwtDevicesUser {
  id: number | string;
  username: string;
  email?: string | null;
  /** `false` means disabled: no login, no refresh, no authenticated request. */
  isActive?: boolean;
}

/** The app's users. Password hashing is the app's: see README, "Users". */
export interface JwtDevicesUserService<U extends JwtDevicesUser = JwtDevicesUser> {
  validateCredentials(username: string, password: string): Promise<U | null> | U | null;
  findById(id: U['id']): Promise<U | null> | U | null;
}
