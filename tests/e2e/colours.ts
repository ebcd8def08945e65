// Colours the renderer's stylesheet gives its classes, read in the page, for tests that check a
// failure is shown in the failure colour (or a calm note is not).
import type { Page } from 'playwright-core';

/** The computed colour of the failure class (`.error`) on `page`, e.g. "rgb(178, 34, 34)". */
export function errorColour(page: Page): Promise<string> {
  return page.evaluate(() => {
    const probe = document.createElement('span');
    probe.className = 'error';
    document.body.append(probe);
    const c = getComputedStyle(probe).color;
    probe.remove();
    return c;
  });
}
