// The production renderer in Chromium against the test host, for screen tests that start from an
// archive prepared through the host's service: build, host, window, and the archive opened.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { REPO_ROOT } from '../helpers/corpus.ts';
import { CHROMIUM, CHROMIUM_ARGS, watchCsp } from './chromium.ts';
import { startHost, type TestHost } from './host.ts';

/** A built renderer served by a started test host, in a temporary folder `tmp`. */
export interface HostedRenderer {
  tmp: string;
  host: TestHost;
}

/**
 * Builds the renderer into a new temporary folder (named after `prefix`) and starts a host serving
 * it. Vite builds for the NODE_ENV it finds, and vitest sets "test": React's development build,
 * a third larger and two to four times slower to render. `production` builds what users run
 * instead (the speed measurements need it).
 */
export async function startRendererHost(prefix: string, opts: { production?: boolean } = {}): Promise<HostedRenderer> {
  const tmp = mkdtempSync(join(tmpdir(), prefix));
  const env = process.env.NODE_ENV;
  if (opts.production) process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: join(REPO_ROOT, 'renderer', 'vite.config.ts'), build: { outDir: join(tmp, 'renderer') }, logLevel: 'warn' });
  } finally {
    if (opts.production) {
      if (env === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = env;
    }
  }
  const host = await startHost({ rendererDir: join(tmp, 'renderer'), settingsFile: join(tmp, 'settings.json') });
  return { tmp, host };
}

/** A Chromium window on the host, with CSP violations and console errors recorded. */
export interface ArchiveWindow {
  browser: Browser;
  page: Page;
  csp: { violations: () => Promise<string[]>; consoleErrors: string[] };
}

/**
 * Opens a window on `host`, opens the archive at `archive` from the Archives screen, waits until
 * the Library's item count reads `itemCount`, then goes to the screen whose nav test id is `nav`.
 */
export async function openArchiveWindow(host: TestHost, archive: string, itemCount: RegExp, nav: string): Promise<ArchiveWindow> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 }, locale: 'en-US' });
  const csp = await watchCsp(page);
  await page.addInitScript({ content: host.preload });
  await page.goto(host.url);
  await page.getByTestId('archive-dir').fill(archive);
  await page.getByTestId('archive-open-button').click();
  await page.getByTestId('item-count').filter({ hasText: itemCount }).waitFor();
  await page.getByTestId(nav).click();
  return { browser, page, csp };
}

/** Closes what startRendererHost and openArchiveWindow opened (either may be missing) and removes the folder. */
export async function closeRendererHost(r: HostedRenderer | undefined, w: ArchiveWindow | undefined): Promise<void> {
  await w?.browser.close();
  await r?.host.close();
  if (r?.tmp) rmSync(r.tmp, { recursive: true, force: true });
}
