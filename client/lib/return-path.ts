/** A stand-in origin: `next` is resolved against it, and anything that leaves it is refused. */
const HERE = 'http://return-path.invalid';

/**
 * Browsers drop tabs and newlines inside URLs and read a backslash as a slash, so `/\t/evil`
 * and `/\evil` would leave the site; a header with a control character is a 500 in Node.
 */
const UNSAFE = /[\p{Cc}\\]/u;

/**
 * Where to send a visitor after signing in (`?next=`): a path on this site, or `/`. Every place
 * that reads `next` goes through here. The path is the one `new URL` resolved, so dot segments
 * cannot turn it into `//evil` after the check.
 */
export function safeReturnPath(value: string | null | undefined): string {
  if (!value?.startsWith('/') || UNSAFE.test(value)) return '/';
  let url: URL;
  try {
    url = new URL(value, HERE);
  } catch {
    return '/';
  }
  const path = `${url.pathname}${url.search}${url.hash}`;
  return url.origin === HERE && !path.startsWith('//') ? path : '/';
}
