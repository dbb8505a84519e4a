import { execFileSync } from 'node:child_process';
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
// The plain Playwright test: this file runs its own server, on a disk of its own.
import { expect, test } from '@playwright/test';
import { signIn } from './fixtures';
import { DemoServer } from './support/demo-server';

/**
 * Issue 20 item 12, as an agent sees it: the server's data folder is a small tmpfs (the tests run
 * as root, as `npm run setup` does), filled to the last byte while the server runs. The next
 * change the agent makes cannot be saved, and the console says why.
 */
let plain: DemoServer;
let mounted = false;
const ALICE = { name: 'alice', password: 'quiet harbour lights' };

test.beforeAll(async () => {
  plain = await DemoServer.create({ mode: 'plain' });
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', plain.dataDir]);
  mounted = true;
  await plain.addAgent(ALICE.name, ALICE.password);
  await plain.start();
});

test.afterAll(async () => {
  await plain?.stop();
  // Lazily: the server's last file handles may still be closing; the mount goes once they are.
  if (mounted) execFileSync('umount', ['--lazy', plain.dataDir]);
  await plain?.dispose();
});

/** Writes a file until the disk refuses another byte. */
function fillDisk(file: string): void {
  const fd = openSync(file, 'w');
  const block = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) writeSync(fd, block);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
    // Down to the last byte: a smaller write may still fit where a block did not.
    try {
      for (;;) writeSync(fd, Buffer.alloc(1, 1));
    } catch {}
  } finally {
    closeSync(fd);
  }
}

test('a full disk: the change is refused in words and the console says the server cannot save', async ({
  page,
}) => {
  await signIn(page, plain, ALICE);
  const filler = path.join(plain.dataDir, 'filler');
  fillDisk(filler);
  try {
    const storage = page.getByRole('alert', { name: 'Storage' });
    // Each staff member is a write that needs room; one of the first few cannot find any.
    for (let i = 0; i < 20 && !(await storage.isVisible()); i++) {
      await page
        .getByRole('button', { name: /Add (your first )?staff member/ })
        .first()
        .click();
      const dialog = page.getByRole('dialog', { name: 'Add a staff member' });
      await dialog.getByLabel('Name').fill(`Staff member ${i}`);
      await dialog.getByRole('button', { name: 'Add staff member' }).click();
      // The add dialog stays up while the server answers: wait for the answer, a refusal or pairing.
      const refused = dialog.getByRole('alert');
      await expect(refused.or(page.getByRole('dialog', { name: /Pair a phone/ }))).toBeVisible();
      if (await refused.isVisible()) {
        await dialog.getByRole('button', { name: 'Cancel' }).click();
      } else {
        await page
          .getByRole('dialog', { name: /Pair a phone/ })
          .getByRole('button', { name: 'Close' })
          .click();
      }
    }
    await expect(storage).toContainText('The server cannot save: disk full.');
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({ path: `test-results/screens/20-disk-full-${scheme}.png` });
    }
  } finally {
    rmSync(filler, { force: true });
  }
});
