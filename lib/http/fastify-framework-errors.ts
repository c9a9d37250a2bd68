import { STATUS_CODES } from 'node:http';

interface FrameworkErrorLike {
  statusCode?: number;
  code?: string;
}

interface ReplyLike {
  code(status: number): ReplyLike;
  send(body: unknown): unknown;
}

const BAD_URL_MESSAGE = 'The request URL is malformed.';

/**
 * Opt-in, for `new FastifyAdapter({ frameworkErrors: answerFastifyFrameworkError })`: Fastify answers
 * a malformed URL before Nest sees it, with its own error code and the URL in the message; this
 * answers in Nest's `{ statusCode, message, error }` shape instead.
 */
export function answerFastifyFrameworkError(error: FrameworkErrorLike, _request: unknown, reply: unknown): void {
  const status = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
  const message = error.code === 'FST_ERR_BAD_URL' ? BAD_URL_MESSAGE : (STATUS_CODES[status] ?? 'Bad Request');
  (reply as ReplyLike).code(status).send({ statusCode: status, message, error: STATUS_CODES[status] ?? 'Bad Request' });
}
