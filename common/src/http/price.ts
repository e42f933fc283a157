import { z } from 'zod';

const MAX_PRICE = 1_000_000;

/** A price as people write it (currency units, at most 2 decimals), parsed to the integer cents we store. */
export const priceInCents = z
  .number({ error: 'Price must be a number' })
  .positive({ error: 'Price must be greater than 0' })
  .max(MAX_PRICE, { error: `Price must be at most ${MAX_PRICE.toLocaleString('en')}` })
  .refine((p) => Math.abs(p * 100 - Math.round(p * 100)) < 1e-6, { error: 'Price must have at most 2 decimals' })
  .transform((p) => Math.round(p * 100));
