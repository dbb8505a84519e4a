import type { Page } from '@playwright/test';
import { startTurnServer, type TurnServer } from '../test-support/turn';
import { expect, signIn, test } from './fixtures';
import type { DemoServer } from './support/demo-server';
import { DemoServer as Server } from './support/demo-server';
import { inProcessPhone } from './support/phones';
import { photograph } from './support/photograph';
import { capturePeers, consoleHeard, consoleWindow, onlyCall, phoneWindow, SILENT } from './support/voice';

/**
 * Video in the web console (issue 27) against a virtual phone whose synthetic camera (a moving
 * pattern with the time on it) streams when its person accepts; Chromium's fake camera is the
 * agent's own for two-way video. Voice is measured across the upgrade and the downgrades: the
 * audio keeps arriving on the call's one peer connection.
 */

const panel = (page: Page) => page.getByRole('article', { name: /^Call with / });
const video = (page: Page) => page.getByTestId('video-remote');

/** The console's video element: the picture's size and how many frames it has shown. */
const shown = (page: Page) =>
  video(page).evaluate((v: HTMLVideoElement) => ({
    width: v.videoWidth,
    height: v.videoHeight,
    frames: v.getVideoPlaybackQuality().totalVideoFrames,
  }));
const peers = (page: Page) =>
  page.evaluate(() => (window as unknown as { __peers: unknown[] }).__peers.length);

async function callWithVideo(page: Page, server: DemoServer, name: string) {
  const staff = await inProcessPhone(server, name, { answerAfterMs: 300 }, { media: true, video: 'accept' });
  await page.getByRole('searchbox').fill(name);
  await page.getByRole('button', { name: `Call ${name}` }).click();
  await expect(panel(page).getByTestId('voice-state')).toHaveText('Audio connected', { timeout: 30_000 });
  await expect.poll(async () => (await consoleHeard(page)).energy).toBeGreaterThan(0);
  const before = await consoleHeard(page);
  await panel(page).getByRole('button', { name: 'Ask for video' }).click();
  await expect.poll(async () => (await shown(page)).width, { timeout: 20_000 }).toBe(640);
  await expect.poll(async () => (await shown(page)).frames).toBeGreaterThan(10);
  // Voice across the upgrade: audio went on arriving all along (not a new connection), and it is heard.
  const after = await consoleHeard(page);
  expect(after.seconds - before.seconds).toBeGreaterThan(0.5);
  expect(after.energy).toBeGreaterThan(before.energy);
  expect(await peers(page)).toBe(1);
  return { ...staff, callId: onlyCall(staff.phone) };
}

test.beforeEach(async ({ page }) => {
  await capturePeers(page);
});

test('the phone’s camera in the call panel: marker, snapshot in history, both ways, stop from either side', async ({
  page,
  server,
}) => {
  test.setTimeout(90_000);
  await signIn(page, server);
  const vida = await callWithVideo(page, server, 'Vida Video');
  try {
    await expect(panel(page).getByTestId('video-status')).toHaveText("Vida Video's camera");
    await expect(panel(page).getByTestId('video-stats')).toContainText('640×480');

    // The agent points at the middle of the picture: the phone gets the spot, normalised.
    await video(page).click();
    await expect.poll(() => vida.phone.video.markers.length).toBe(1);
    expect(vida.phone.video.markers[0]!.x).toBeCloseTo(0.5, 1);
    expect(vida.phone.video.markers[0]!.y).toBeCloseTo(0.5, 1);

    await panel(page).getByRole('button', { name: 'Snapshot' }).click();
    await expect(panel(page).getByTestId('video-saved')).toHaveText('Snapshot saved with the call.');

    // Two-way: Chromium's fake camera reaches the phone.
    await panel(page).getByRole('button', { name: 'Turn my camera on' }).click();
    await expect
      .poll(async () => (await vida.phone.mediaStats(vida.callId))!.video.framesReceived, { timeout: 20_000 })
      .toBeGreaterThan(10);
    await panel(page).getByRole('button', { name: 'Pop out' }).click();
    await photograph(page, 'video-popped', { scan: '.video' });
    await panel(page).getByRole('button', { name: 'Back to the panel' }).click();

    // Staff stop it; the agent asks again, then stops it. Voice goes on both ways throughout.
    await vida.phone.reportVideo(vida.callId, 'stopped');
    await expect(panel(page).getByTestId('video-status')).toHaveText('Vida Video stopped their video.');
    await expect.poll(async () => (await vida.phone.mediaStats(vida.callId))!.video.cameraOn).toBe(false);
    expect(await consoleWindow(page)).toBeGreaterThan(SILENT);
    await panel(page).getByRole('button', { name: 'Ask for video' }).click();
    await expect(panel(page).getByRole('button', { name: 'Stop video' })).toBeVisible();
    await panel(page).getByRole('button', { name: 'Stop video' }).click();
    await expect(panel(page).getByTestId('video-status')).toHaveText('You stopped the video.');
    expect(await consoleWindow(page)).toBeGreaterThan(SILENT);
    expect(await phoneWindow(vida.phone, vida.callId)).toBeGreaterThan(SILENT);
    expect(await peers(page)).toBe(1);

    await panel(page).getByRole('button', { name: 'Hang up' }).click();
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'History' }).click();
    const history = page.getByRole('region', { name: 'History' });
    await history
      .getByRole('row', { name: /Vida Video/ })
      .first()
      .getByRole('button')
      .first()
      .click();
    const details = history.getByRole('region', { name: 'Call to Vida Video' });
    await expect(details.getByRole('img', { name: /^Snapshot taken / })).toBeVisible();
    await details.getByRole('region', { name: 'Snapshots' }).scrollIntoViewIfNeeded();
    await photograph(page, 'video-history', { scan: '.hist-snapshots' });
  } finally {
    await vida.close();
  }
});

test('a phone whose app cannot send video is not offered it: the panel says why', async ({
  page,
  server,
}) => {
  await signIn(page, server);
  // No `video` option: the virtual phone's handshake announces no features, as an older app's.
  const nova = await inProcessPhone(
    server,
    'Nova Voice',
    { answerAfterMs: 100 },
    { name: 'Nova’s iPhone 8' },
  );
  try {
    await page.getByRole('searchbox').fill('Nova Voice');
    await page.getByRole('button', { name: 'Call Nova Voice' }).click();
    await expect(panel(page).getByTestId('video-status')).toHaveText(
      'Nova’s iPhone 8 cannot send video: its app does not offer it.',
    );
    await expect(panel(page).getByRole('button', { name: 'Ask for video' })).toHaveCount(0);
    await photograph(page, 'video-not-offered', { scan: '.video' });
    await panel(page).getByRole('button', { name: 'Hang up' }).click();
  } finally {
    await nova.close();
  }
});

test.describe('through TURN', () => {
  let turn: TurnServer;
  let relayed: Server;
  test.beforeAll(async () => {
    turn = await startTurnServer();
    relayed = await Server.start({
      ringTimeout: '20s',
      extraArgs: ['--turn', `turn:127.0.0.1:${turn.port}?transport=udp`, '--ice-policy', 'relay'],
      env: { SWITCHBOARD_TURN_SECRET: turn.secret },
    });
  });
  test.afterAll(async () => {
    await relayed?.dispose();
    await turn?.stop();
  });
  test('video flows through the relay as voice does', async ({ page }) => {
    test.setTimeout(60_000);
    await signIn(page, relayed);
    const vic = await callWithVideo(page, relayed, 'Vic Relay');
    try {
      const relay = await page.evaluate(async () => {
        const peer = (window as unknown as { __peers: RTCPeerConnection[] }).__peers.at(-1)!;
        const all: Record<string, unknown>[] = [];
        (await peer.getStats()).forEach((s) => {
          all.push(s);
        });
        const pair = all.find((s) => s.type === 'transport')?.selectedCandidatePairId;
        const local = all.find((s) => s.id === all.find((p) => p.id === pair)?.localCandidateId);
        return local?.candidateType;
      });
      expect(relay).toBe('relay');
      await panel(page).getByRole('button', { name: 'Hang up' }).click();
    } finally {
      await vic.close();
    }
  });
});
