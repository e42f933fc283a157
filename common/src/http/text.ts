import { z } from 'zod';
import type { ErrorItem } from '../errors/http-errors';

// PostgreSQL's text type cannot hold U+0000: a NUL that reaches a query fails it (a 500, or a
// half-done payment), so no request string may carry one, whatever the route.
const NUL = '\u0000';

// Embeddings, overrides, isolates and marks that reorder how text around them is shown: a title
// with U+202E can display a different word than it holds.
const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

// C0, DEL and C1 (terminal escapes start with ESC or CSI), none of which belongs in one line of text.
const CONTROL = /\p{Cc}/u;

// Characters that draw nothing: spaces, format characters (zero-width space, joiners, BOM),
// combining marks with no base, and the fillers people use as "blank" letters.
const VISIBLE = /[^\p{White_Space}\p{Cf}\p{Cc}\p{Z}\p{M}\u115F\u1160\u2800\u3164\uFFA0]/u;

/**
 * Every string in a request's body or query that PostgreSQL could not store, as errors naming its
 * field. Walked without recursion: a 100 kB body can nest deeper than the stack.
 */
export function unstorableStrings(input: unknown): ErrorItem[] {
  const found: ErrorItem[] = [];
  const pending: [unknown, string][] = [[input, '']];
  while (pending.length > 0) {
    const [value, path] = pending.pop()!;
    if (typeof value === 'string') {
      if (!value.includes(NUL)) continue;
      const message = `${path || 'Input'} must not contain NUL (U+0000) characters`;
      found.push(path ? { message, field: path } : { message });
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, child] of Object.entries(value)) pending.push([child, path ? `${path}.${key}` : key]);
    }
  }
  return found;
}

/**
 * One line of text a person typed and others will read (a title, a search): NFC, bidi controls
 * dropped, trimmed; control characters refused. `label` starts the error messages.
 */
export function lineOfText(label: string) {
  return z
    .string({ error: `${label} must be a string` })
    .normalize('NFC')
    .overwrite((s) => s.replace(BIDI_CONTROLS, ''))
    .trim()
    .refine((s) => !CONTROL.test(s), { error: `${label} must not contain control characters`, abort: true });
}

/** Text from elsewhere (a processor's message) made storable: a NUL becomes U+FFFD, as a decoder marks a bad byte. */
export const storableText = (s: string): string => s.replaceAll(NUL, '\uFFFD');

/** True when the text shows at least one character. */
export const hasVisibleCharacter = (s: string): boolean => VISIBLE.test(s);
