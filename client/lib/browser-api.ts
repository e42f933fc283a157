import { parseErrorBody, type ApiErrorItem } from './api-errors';

export type ApiResult<T> = { ok: true; status: number; data: T } | { ok: false; status: number; errors: ApiErrorItem[] };

/**
 * Calls the marketplace API from the browser, same-origin under /api, so the session cookie
 * rides along. Never throws for an HTTP error: callers decide what each status means.
 */
export async function api<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<ApiResult<T>> {
  let res: Response;
  try {
    res = await fetch(`/api${path}`, {
      method,
      cache: 'no-store',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? null : JSON.stringify(body),
    });
  } catch {
    return { ok: false, status: 0, errors: [{ message: 'Could not reach Ticketyboo. Check your connection and try again.' }] };
  }
  const json: unknown = await res.json().catch(() => undefined);
  if (res.ok) return { ok: true, status: res.status, data: json as T };
  return { ok: false, status: res.status, errors: parseErrorBody(json, res.status) };
}
