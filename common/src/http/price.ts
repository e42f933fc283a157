import { z } from 'zod';

const MAX_PRICE = 1_000_000;

/** A price as people write it (currency units, at most 2 decimals), parsed to the integer cents we store. */
export const priceInCents = z
  .number({ error: 'Price must be a number' })
  .positive({ error: 'Price must be greater than 0' })
  .max(MAX_PRICE, { error: `Price must be at most ${MAX_PRICE.toLocaleString('en')}` })
  // Exact, not within a tolerance: 10.999999999 is refused, never rounded to 11 behind the buyer's back.
  .refine((p) => Number(p.toFixed(2)) === p, { error: 'Price must have at most 2 decimals' })
  .transform((p) => Math.round(p * 100));
