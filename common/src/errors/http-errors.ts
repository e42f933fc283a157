export interface ErrorItem {
  message: string;
  field?: string;
}

/** An error whose message is safe to show the client, with the HTTP status it maps to. */
export abstract class HttpError extends Error {
  abstract readonly status: number;
  serialize(): ErrorItem[] {
    return [{ message: this.message }];
  }
}

export class ValidationError extends HttpError {
  readonly status = 400;
  constructor(readonly items: ErrorItem[]) {
    super(items.map((i) => i.message).join('; '));
  }
  override serialize(): ErrorItem[] {
    return this.items;
  }
}

export class BadRequestError extends HttpError {
  readonly status = 400;
}

export class NotAuthorizedError extends HttpError {
  readonly status = 401;
  constructor(message = 'Not signed in') {
    super(message);
  }
}

export class ForbiddenError extends HttpError {
  readonly status = 403;
  constructor(message = 'Not allowed') {
    super(message);
  }
}

export class NotFoundError extends HttpError {
  readonly status = 404;
  constructor(message = 'Not found') {
    super(message);
  }
}

/** The request named a host this server does not serve. */
export class MisdirectedRequestError extends HttpError {
  readonly status = 421;
}

export class ConflictError extends HttpError {
  readonly status = 409;
}

export class PaymentRequiredError extends HttpError {
  readonly status = 402;
}

export class PayloadTooLargeError extends HttpError {
  readonly status = 413;
  constructor(message = 'Request body is too large') {
    super(message);
  }
}

export class TooManyRequestsError extends HttpError {
  readonly status = 429;
  constructor(readonly retryAfterSeconds: number, message = 'Too many attempts; try again later') {
    super(message);
  }
}
