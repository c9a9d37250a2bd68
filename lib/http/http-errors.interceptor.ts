import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { catchError, type Observable, throwError } from 'rxjs';
import { toHttpError } from '../errors/http-answers.js';
import { JwtDevicesError } from '../errors/jwt-devices.error.js';
import { setResponseHeaders } from '../platform/response-headers.js';

/**
 * On the module's routes: turns its typed errors into Nest HttpExceptions (their headers set on the
 * response first), so an app's own exception filters answer them as they answer any other route.
 */
@Injectable()
export class HttpErrorsInterceptor implements NestInterceptor {
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
