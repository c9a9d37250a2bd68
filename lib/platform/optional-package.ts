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
  // Not `instanceof Error`: Jest's module registry throws its not-found errors from another realm than the module's.
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof message !== 'string') return false;
  // require() says "Cannot find module 'x'" (Jest: "… 'x' from 'file'"), import() says "Cannot find package 'x'"; a missing dependency of x names that dependency.
  return (
    (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') &&
    (message.startsWith(`Cannot find module '${name}'`) || message.startsWith(`Cannot find package '${name}'`))
  );
}
