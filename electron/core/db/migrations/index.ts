import * as m001 from './001_initial.ts';

/** Ordered schema migrations; migration i (0-based) brings user_version from i to i+1. */
export const MIGRATIONS: readonly { name: string; sql: string }[] = [
  { name: '001_initial', sql: m001.sql },
];
