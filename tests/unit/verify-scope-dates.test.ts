// `verify --since` takes a calendar day or an ISO 8601 time. A day the month does not have must be
// refused, not rolled over into the next month as JavaScript's Date does (2026-02-30 → 2026-03-02).
import { describe, expect, it } from 'vitest';
import { parseSince } from '../../electron/core/verify/scope.ts';

describe('parseSince', () => {
  it('refuses days that do not exist, with or without a time', () => {
    for (const bad of ['2026-02-30', '2026-02-29', '2025-04-31', '2026-02-30T10:00:00Z', '2026-13-01', '2026-00-10', 'yesterday']) {
      expect(() => parseSince(bad), bad).toThrow(/--since: .* is not a date/u);
    }
  });
  it('accepts real days and times, leap day included', () => {
    expect(parseSince('2024-02-29T00:00:00Z')).toBe('2024-02-29T00:00:00.000Z');
    expect(parseSince('2026-03-02T10:00:00+06:00')).toBe('2026-03-02T04:00:00.000Z');
    expect(() => parseSince('2026-12-31')).not.toThrow();
  });
});
