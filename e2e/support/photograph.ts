import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

const SCHEMES = ['light', 'dark'] as const;

/**
 * The page as it is now, light and dark: an axe scan with no serious or critical violation, and a
 * screenshot in test-results/screens/ for a person to look at (as screens.spec does). Leaves the
 * page light.
 */
export async function photograph(page: Page, name: string, opts: { scan?: string } = {}): Promise<void> {
  for (const scheme of SCHEMES) {
    await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
    const axe = new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']);
    // A scan of the part a spec changed (`scan`: a selector) takes a fraction of a whole page's.
    const results = await (opts.scan ? axe.include(opts.scan) : axe).analyze();
    const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    const summary = bad.map(
      (v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.map((n) => n.target.join(' ')).join('\n  ')}`,
    );
    expect(summary, `${name} (${scheme})`).toEqual([]);
    await page.screenshot({ path: `test-results/screens/${name}-${scheme}.png` });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}
