/** The durations and switches the cross-option rules read; a duration is undefined when it was itself invalid. */
export interface CrossOptionInputs {
  permanentTokenAuth: boolean;
  rotatePermanentTokens: boolean;
  accuracy: number | undefined;
  grace: number | undefined;
  idleExpiry: number | undefined;
}

/** Combinations of valid options that would defeat a rule, so they stop the boot. */
export function crossOptionProblems({ permanentTokenAuth, rotatePermanentTokens, accuracy, grace, idleExpiry }: CrossOptionInputs): string[] {
  const problems: string[] = [];
  // Only combinations that defeat a rule stop the boot; merely unusual ones are warned about (see option-warnings.ts).
  if (permanentTokenAuth && !rotatePermanentTokens && accuracy !== undefined && idleExpiry !== undefined && accuracy >= idleExpiry) {
    problems.push('permanentTokenExpirationAccuracy: must be shorter than permanentTokenExpirationDelta, or no refresh ever extends a device\'s life');
  }
  if (permanentTokenAuth && rotatePermanentTokens && grace !== undefined && idleExpiry !== undefined && grace >= idleExpiry) {
    problems.push('rotationGracePeriod: must be shorter than permanentTokenExpirationDelta, or a replayed previous token never revokes its device');
  }
  return problems;
}
