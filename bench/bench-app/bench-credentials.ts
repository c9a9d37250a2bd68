/** The bench app's users, all with one password; the driver logs in as them. */
export const BENCH_USERS = {
  /** Logs in over and over in the login scenario. */
  login: 'login-user',
  /** Has the handful of devices that GET /devices lists. */
  lister: 'list-user',
  /** Calls the guarded GET /profile. */
  profile: 'profile-user',
} as const;

export const BENCH_PASSWORD = 'bench-password-not-hashed';
