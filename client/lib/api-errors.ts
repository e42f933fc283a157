import type { ApiErrorBody } from './api-types';

export type ApiErrorItem = ApiErrorBody['errors'][number];

/** Errors split the way forms show them: next to the field they name, or above the form. */
export interface FormErrors {
  fields: Record<string, string>;
  general: string[];
}

export const noErrors: FormErrors = { fields: {}, general: [] };

export function toFormErrors(errors: readonly ApiErrorItem[], fieldNames: readonly string[]): FormErrors {
  const result: FormErrors = { fields: {}, general: [] };
  for (const e of errors) {
    if (e.field && fieldNames.includes(e.field) && !(e.field in result.fields)) result.fields[e.field] = e.message;
    else result.general.push(e.message);
  }
  return result;
}

/** Reads an error body defensively: a proxy in between may answer with HTML or nothing. */
export function parseErrorBody(body: unknown, status: number): ApiErrorItem[] {
  if (typeof body === 'object' && body !== null && 'errors' in body && Array.isArray(body.errors)) {
    const items = (body.errors as unknown[]).filter(
      (e): e is ApiErrorItem => typeof e === 'object' && e !== null && 'message' in e && typeof e.message === 'string',
    );
    if (items.length > 0) return items;
  }
  return [{ message: `The server answered ${status}; please try again.` }];
}
