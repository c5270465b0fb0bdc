/**
 * What every screen of the pane must hold, checked the same way in each browser test: axe-core finds no serious or
 * critical violation (light and dark), nothing scrolls sideways at Outlook's narrowest pane (320 px), and a
 * screenshot of it at 320 px and 450 px, light and dark, goes to test-artifacts/.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { Page } from 'playwright-core';
import { REPO_ROOT } from '../helpers/shared';

/** The little of the DOM the page functions below use (this program is compiled without lib dom). */
declare const document: { documentElement: { scrollWidth: number; clientWidth: number } };

export const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts');
export const WIDTHS = [320, 450] as const;
export const THEMES = ['light', 'dark'] as const;
const HEIGHT = 900;

/** The serious and critical violations axe-core finds on the page as it is, one line each. */
export async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
    .analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

/** How far the page scrolls sideways (0 when it fits). */
export async function sidewaysOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

/**
 * Check one screen in both themes: no serious or critical axe violation, no sideways scroll at 320 px; and
 * screenshot it at each width and theme as `pane-<name>-<width>-<theme>.png`. The page is left at its size, light.
 */
export async function checkScreen(page: Page, name: string): Promise<void> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const viewport = page.viewportSize();
  try {
    for (const theme of THEMES) {
      await page.emulateMedia({ colorScheme: theme });
      for (const width of WIDTHS) {
        await page.setViewportSize({ width, height: HEIGHT });
        if (width === 320) {
          assert.equal(await sidewaysOverflow(page), 0, `${name} (${theme}) scrolls sideways at 320 px`);
          assert.deepEqual(await seriousViolations(page), [], `axe-core on ${name} (${theme})`);
        }
        await page.screenshot({ path: path.join(ARTIFACTS, `pane-${name}-${width}-${theme}.png`), fullPage: true });
      }
    }
  } finally {
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize(viewport ?? { width: 320, height: HEIGHT });
  }
}
