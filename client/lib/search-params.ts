/** What a page receives as `searchParams` (Next passes a promise of it). */
export type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** One query parameter as a string: the first if repeated, '' if absent. */
export function param(params: Record<string, string | string[] | undefined>, name: string): string {
  const v = params[name];
  return (Array.isArray(v) ? v[0] : v) ?? '';
}
