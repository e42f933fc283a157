import { Router, type Request } from 'express';
import { z } from 'zod';
import { requireAuth, userOf, validate, type SessionCookies } from '@ticketyboo/common';
import { publicUser } from './user';
import type { UserService } from './user-service';

const email = z
  .string({ error: 'Email must be a string' })
  .trim()
  .toLowerCase()
  .pipe(z.email({ error: 'Email must be valid' }).max(254, { error: 'Email must be at most 254 characters' }));

const newPassword = z
  .string({ error: 'Password must be a string' })
  .min(8, { error: 'Password must be between 8 and 128 characters' })
  .max(128, { error: 'Password must be between 8 and 128 characters' });

const Credentials = z.object({ email, password: newPassword }, { error: 'Request body must be a JSON object' });

// Sign-in does not re-apply the signup rules to the password: a wrong one is just wrong.
const SignIn = z.object(
  {
    email: z.string({ error: 'Email must be a string' }).trim().toLowerCase().min(1, { error: 'Email is required' }),
    password: z.string({ error: 'Password must be a string' }).min(1, { error: 'Password is required' }).max(1024),
  },
  { error: 'Request body must be a JSON object' },
);

const Update = z
  .object(
    {
      currentPassword: z
        .string({ error: 'Current password is required' })
        .min(1, { error: 'Current password is required' })
        .max(1024),
      email: email.optional(),
      password: newPassword.optional(),
    },
    { error: 'Request body must be a JSON object' },
  )
  .refine((b) => b.email !== undefined || b.password !== undefined, {
    error: 'Give a new email or a new password',
  });

/** The caller's address: the socket's, or X-Forwarded-For's from a trusted proxy (gateway, ingress). */
const clientIp = (req: Request): string => req.ip ?? 'unknown';

export function authRoutes(users: UserService, cookies: SessionCookies): Router {
  const r = Router();

  r.post('/signup', async (req, res) => {
    const body = validate(Credentials, req.body);
    const { user, token } = await users.signup(body.email, body.password, clientIp(req));
    cookies.set(req, res, token);
    res.status(201).json(publicUser(user));
  });

  r.post('/signin', async (req, res) => {
    const body = validate(SignIn, req.body);
    const { user, token } = await users.signin(body.email, body.password, clientIp(req));
    cookies.set(req, res, token);
    res.json(publicUser(user));
  });

  r.post('/signout', async (req, res) => {
    // The token itself stays valid until it expires, so every service is told it no longer counts.
    if (req.session) await users.signout(req.session);
    cookies.clear(req, res);
    res.json({});
  });

  r.get('/currentuser', (req, res) => {
    res.json({ currentUser: req.currentUser ?? null });
  });

  r.patch('/currentuser', requireAuth, async (req, res) => {
    const body = validate(Update, req.body);
    // Every other session of the user ends; this one goes on with a fresh cookie.
    const { user, token } = await users.update(userOf(req).id, body, clientIp(req));
    cookies.set(req, res, token);
    res.json(publicUser(user));
  });

  return r;
}
