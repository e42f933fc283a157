/** A failure the demo explains to the person running it; the CLI prints the message alone. */
export class DemoError extends Error {
  override name = 'DemoError';
}

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/**
 * One user's conversation with the marketplace's public API: their own session cookie, and the
 * marketplace's own Origin on every request, since the API refuses state changes from other sites.
 */
export class ApiSession {
  private cookie: string | undefined;
  private readonly origin: string;

  constructor(
    private readonly baseUrl: string,
    readonly who: string,
  ) {
    this.origin = new URL(baseUrl).origin;
  }

  /** Sends a request and returns its JSON body, or fails naming the request and the answer when the status is not `expected`. */
  async call<T>(method: Method, path: string, body: unknown, expected: number): Promise<T> {
    return (await this.request<T>(method, path, body, [expected])).body;
  }

  /** As `call`, for a request with more than one expected outcome. */
  async request<T>(method: Method, path: string, body: unknown, expected: readonly number[]): Promise<{ status: number; body: T }> {
    const res = await this.send(method, path, body);
    if (!expected.includes(res.status)) {
      throw new DemoError(`${method} ${path} as ${this.who}: expected ${expected.join(' or ')}, got ${res.status}${await explain(res)}`);
    }
    return { status: res.status, body: (await res.json()) as T };
  }

  private async send(method: Method, path: string, body: unknown): Promise<Response> {
    const headers: Record<string, string> = { origin: this.origin };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.cookie) headers.cookie = this.cookie;
    try {
      const res = await fetch(new URL(path, this.baseUrl), {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      this.keepSession(res);
      return res;
    } catch (err) {
      throw new DemoError(`${method} ${path} as ${this.who}: no answer from ${this.baseUrl} (${causeOf(err)})`);
    }
  }

  private keepSession(res: Response): void {
    for (const header of res.headers.getSetCookie()) {
      const [pair = ''] = header.split(';');
      if (!pair.startsWith('session=')) continue;
      const cleared = pair === 'session=' || /;\s*max-age=0/i.test(header) || /expires=Thu, 01 Jan 1970/i.test(header);
      this.cookie = cleared ? undefined : pair;
    }
  }
}

/** The API's `{errors: [{message}]}`, a hint for a rate limit, or the raw text. */
async function explain(res: Response): Promise<string> {
  const text = await res.text();
  let detail = text.slice(0, 300);
  try {
    const parsed = JSON.parse(text) as { errors?: { message: string; field?: string }[] };
    if (parsed.errors) detail = parsed.errors.map((e) => (e.field ? `${e.field}: ${e.message}` : e.message)).join('; ');
  } catch {
    // Not JSON: the raw text says more than nothing.
  }
  const retry = res.headers.get('retry-after');
  const limited = res.status === 429 ? ` (rate limited${retry ? `; retry after ${retry} s` : ''})` : '';
  return `${limited}${detail ? `: ${detail}` : ''}`;
}

function causeOf(err: unknown): string {
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
  return cause instanceof Error ? cause.message : String(cause);
}
