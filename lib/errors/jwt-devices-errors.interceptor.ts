import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { catchError, type Observable, throwError } from 'rxjs';
import { toHttpError } from './http-answers.js';
import { JwtDevicesError } from './jwt-devices.error.js';
import { setResponseHeaders } from '../platform/response-headers.js';

/**
 * Turns the module's typed errors into Nest HttpExceptions (their headers, `Retry-After`, set on the
 * response first), so an app's own exception filters answer them as they answer any other error. On
 * every route of the module; `@UseInterceptors(JwtDevicesErrorsInterceptor)` does the same for a route
 * of the app that calls SessionsService or DevicesService.
 */
@Injectable()
export class JwtDevicesErrorsInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      catchError((error: unknown) => {
        if (!(error instanceof JwtDevicesError)) return throwError(() => error);
        const { exception, headers } = toHttpError(error, 'bad-request');
        setResponseHeaders(context.switchToHttp().getResponse(), headers);
        return throwError(() => exception);
      }),
    );
  }
}
