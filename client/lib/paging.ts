/** The cursor of the `rel="next"` page in a Link header, which the tickets list sends when there is more. */
export function nextCursor(link: string | null): string | null {
  if (!link) return null;
  for (const part of link.split(',')) {
    const m = /<([^>]*)>\s*;\s*rel="?next"?/.exec(part);
    if (!m?.[1]) continue;
    return new URL(m[1], 'http://x').searchParams.get('cursor');
  }
  return null;
}
