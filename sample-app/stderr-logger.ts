import { ConsoleLogger, type LogLevel } from '@nestjs/common';

/**
 * Nest's ExceptionHandler logs a failed boot before rethrowing it (the app runs with abortOnError: false),
 * and main.ts prints the same error once more, a configuration error without its stack.
 */
const BOOT_EXCEPTION_CONTEXT = 'ExceptionHandler';

/**
 * Nest's console logger writing every level to stderr, so stdout carries only the "listening on" line;
 * a failed boot is printed once, by main.ts.
 */
export class StderrLogger extends ConsoleLogger {
  protected override printMessages(
    messages: unknown[],
    context?: string,
    logLevel?: LogLevel,
    _writeStreamType?: 'stdout' | 'stderr',
    errorStack?: unknown,
    params?: Record<string, unknown>,
  ): void {
    if (context === BOOT_EXCEPTION_CONTEXT) return;
    super.printMessages(messages, context, logLevel, 'stderr', errorStack, params);
  }
}
