import type { z } from 'zod';

/** One line naming each invalid field and why: `lat: Too big: expected number to be <=90; name: …`. */
export function formatZodError(e: z.ZodError): string {
  return e.issues.map((i) => `${i.path.length ? i.path.join('.') : 'value'}: ${i.message}`).join('; ');
}
