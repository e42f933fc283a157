import { z } from 'zod';
import { ValidationError } from '../errors/http-errors';

/** Parses request input against a schema; failures become a 400 naming each offending field. */
export function validate<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const items = result.error.issues.map((issue) => {
    const field = issue.path.map(String).join('.');
    if (!field) return { message: input === undefined ? 'Request body must be JSON' : issue.message };
    return { message: issue.message, field };
  });
  throw new ValidationError(items);
}
