import 'server-only';
import { cache } from 'react';
import { headers } from 'next/headers';
import { notFound, redirect } from 'next/navigation';
import { parseErrorBody } from './api-errors';
import type { User } from './api-types';

/**
 * Where server-side rendering finds the services: one base URL (the ingress or gateway in a
 * cluster, this process itself under `npm start`), never a service's own DNS name, so the
 * routing stays the ingress's business.
 */
export function apiBaseUrl(): string {
  return (process.env.API_BASE_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, '');
}

export class ApiRequestError extends Error {
  override readonly name = 'ApiRequestError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface ApiResponse<T> {
  data: T;
  headers: Headers;
}

/** GETs `/api<path>` as the visitor: their cookie is forwarded, so the services see who is asking. */
export async function apiGet<T>(path: string): Promise<ApiResponse<T>> {
  const cookie = (await headers()).get('cookie');
  const res = await fetch(`${apiBaseUrl()}/api${path}`, {
    cache: 'no-store',
    headers: cookie ? { cookie } : {},
  });
  const body: unknown = await res.json().catch(() => undefined);
  if (!res.ok) {
    const [first] = parseErrorBody(body, res.status);
    throw new ApiRequestError(res.status, first?.message ?? `GET ${path} answered ${res.status}`);
  }
  return { data: body as T, headers: res.headers };
}

/**
 * A list page's data. A 400 means the page's own query names nothing the API can serve (a cursor
 * someone edited, a search with control characters): that page does not exist, so not-found,
 * never the error page's 500.
 */
export async function apiGetPage<T>(path: string): Promise<ApiResponse<T>> {
  try {
    return await apiGet<T>(path);
  } catch (err) {
    if (err instanceof ApiRequestError && err.status === 400) notFound();
    throw err;
  }
}

/** The resource, or the not-found page when it does not exist or is someone else's. */
export async function apiGetOrNotFound<T>(path: string): Promise<T> {
  try {
    return (await apiGet<T>(path)).data;
  } catch (err) {
    if (err instanceof ApiRequestError && (err.status === 404 || err.status === 403)) notFound();
    throw err;
  }
}

/** The signed-in visitor, asked once per request however many components want it. */
export const currentUser = cache(async (): Promise<User | null> => {
  const { data } = await apiGet<{ currentUser: User | null }>('/users/currentuser');
  return data.currentUser;
});

/** For pages only a signed-in user can see: off to sign in, and back here afterwards. */
export async function requireUser(returnTo: string): Promise<User> {
  const user = await currentUser();
  if (!user) redirect(`/signin?next=${encodeURIComponent(returnTo)}`);
  return user;
}
