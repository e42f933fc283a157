import { z } from 'zod';
import { ValidationError } from '../errors/http-errors';
import { unstorableStrings } from './text';

/**
 * Parses request input against a schema; failures become a 400 naming each offending field.
 * A string PostgreSQL cannot store is refused here, before any schema, so no route can forget it.
 */
export function validate<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const unstorable = unstorableStrings(input);
  if (unstorable.length > 0) throw new ValidationError(unstorable);
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const items = result.error.issues.map((issue) => {
    const field = issue.path.map(String).join('.');
    if (!field) return { message: input === undefined ? 'Request body must be JSON' : issue.message };
    return { message: issue.message, field };
  });
  throw new ValidationError(items);
}
