/**
 * `load()`'s result, or undefined when the package `name` itself is not installed. Any other
 * failure (a broken install, a dependency of the package missing, an error while it loads) is thrown.
 */
export function loadOptionalPackage<T>(name: string, load: () => T): T | undefined {
  try {
    return load();
  } catch (error: unknown) {
    if (isNotInstalled(error, name)) return undefined;
    throw error;
  }
}

function isNotInstalled(error: unknown, name: string): boolean {
  if (!(error instanceof Error)) return false;
  const { code } = error as Error & { code?: unknown };
  // require() says "Cannot find module 'x'", import() says "Cannot find package 'x'"; a missing dependency of x names that dependency.
  return (
    (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') &&
    (error.message.startsWith(`Cannot find module '${name}'`) || error.message.startsWith(`Cannot find package '${name}'`))
  );
}
