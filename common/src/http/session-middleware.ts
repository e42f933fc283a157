import type { CookieOptions, Request, RequestHandler, Response } from 'express';
import { parse as parseCookies } from 'cookie';
import { NotAuthorizedError } from '../errors/http-errors';
import { SESSION_COOKIE, type Session, type SessionTokens, type SessionUser } from '../session/session';

declare module 'express-serve-static-core' {
  interface Request {
    id: string;
    currentUser?: SessionUser;
    session?: Session;
    /** The request body's bytes as received, for JSON requests. */
    rawBody?: Buffer;
  }
}

/** Answers whether a session was signed out; each service asks its own database. */
export type RevocationCheck = (sid: string) => Promise<boolean>;

/** Sets `req.currentUser` (and `req.session`) from a valid, unrevoked session cookie; anything else means signed out. */
export function currentUser(tokens: SessionTokens, isRevoked: RevocationCheck): RequestHandler {
  return async (req, _res, next) => {
    const header = req.headers.cookie;
    const token = header ? parseCookies(header)[SESSION_COOKIE] : undefined;
    const session = token ? tokens.verify(token) : null;
    if (session && !(await isRevoked(session.sid))) {
      req.currentUser = session.user;
      req.session = session;
    }
    next();
  };
}

export const requireAuth: RequestHandler = (req, _res, next) => {
  next(req.currentUser ? undefined : new NotAuthorizedError());
};

/** The signed-in user, for handlers behind requireAuth. */
export function userOf(req: Request): SessionUser {
  if (!req.currentUser) throw new NotAuthorizedError();
  return req.currentUser;
}

/**
 * Sets and clears the session cookie. Secure when the request came over https (itself or, through
 * a trusted proxy, X-Forwarded-Proto), and always when `alwaysSecure`: decided once at start, never
 * from the environment per request (Next.js sets NODE_ENV=production inside `npm start`'s process
 * after the first page, which would silently break signing in over plain http).
 */
export class SessionCookies {
  constructor(
    private readonly tokens: SessionTokens,
    private readonly policy: { alwaysSecure: boolean },
  ) {}

  /** `token`: a session the caller issued (auth records each session it issues). */
  set(req: Request, res: Response, token: string): void {
    res.cookie(SESSION_COOKIE, token, { ...this.options(req), maxAge: this.tokens.ttlSeconds * 1000 });
  }

  clear(req: Request, res: Response): void {
    res.clearCookie(SESSION_COOKIE, this.options(req));
  }

  private options(req: Request): CookieOptions {
    return { httpOnly: true, sameSite: 'lax', secure: req.secure || this.policy.alwaysSecure, path: '/' };
  }
}
