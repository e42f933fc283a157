import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '../log';
import { HttpError, NotFoundError, PayloadTooLargeError, BadRequestError, TooManyRequestsError } from './http-errors';

/** Errors thrown by body-parser carry a `type` and a `status`; map the ones a client can cause. */
function fromBodyParser(err: unknown): HttpError | undefined {
  if (typeof err !== 'object' || err === null || !('type' in err)) return undefined;
  switch ((err).type) {
    case 'entity.parse.failed':
      return new BadRequestError('Malformed JSON in request body');
    case 'entity.too.large':
      return new PayloadTooLargeError();
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new BadRequestError('Unsupported request body encoding');
    case 'request.aborted':
    case 'request.size.invalid':
      return new BadRequestError('Incomplete request body');
    default:
      return undefined;
  }
}

/** Express's router marks a path it cannot percent-decode as a 400 URIError. */
function fromRouter(err: unknown): HttpError | undefined {
  if (err instanceof URIError && (err as URIError & { status?: number }).status === 400) {
    return new BadRequestError('Malformed percent-encoding in the URL');
  }
  return undefined;
}

// Connection refused/reset, and PostgreSQL's "shutting down" / "connection failure" classes.
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08006']);

/** The database (or another backing server) is away for a moment: the request may simply be retried. */
function isUnavailable(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
  return err instanceof Error && /Connection terminated|connection (is )?closed|Client has encountered a connection error/i.test(err.message);
}

export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const known = err instanceof HttpError ? err : (fromBodyParser(err) ?? fromRouter(err));
    if (known) {
      if (known instanceof TooManyRequestsError) res.set('retry-after', String(known.retryAfterSeconds));
      res.status(known.status).json({ errors: known.serialize() });
      return;
    }
    if (isUnavailable(err)) {
      log.warn({ err, requestId: req.id, method: req.method, url: req.originalUrl }, 'backing server unavailable');
      res.status(503).set('retry-after', '1').json({ errors: [{ message: 'Temporarily unavailable; please try again' }] });
      return;
    }
    log.error({ err, requestId: req.id, method: req.method, url: req.originalUrl }, 'unexpected error');
    res.status(500).json({ errors: [{ message: `Something went wrong (request ${req.id})` }] });
  };
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new NotFoundError(`No route for ${req.method} ${req.originalUrl.split('?')[0]}`));
};
