// zod compiles parsers with `new Function` unless told not to; the window's CSP forbids eval
// (script-src 'self'), so parsing runs interpreted. Imported first by main.tsx.
import { z } from 'zod';

z.config({ jitless: true });
