import { expect, type Page } from '@playwright/test';
import type { VirtualPhone } from '../../tools/virtual-companion/src';

/**
 * Measuring a call's sound from both ends: the page's own getStats (inbound-rtp bytes and
 * totalAudioEnergy) and the virtual phone's audio sink. Chromium's fake microphone beeps twice a
 * second, so every "silent" or "audible" verdict covers at least a second of audio that arrived.
 */

export const SILENT = 1e-6;

/** Keeps every RTCPeerConnection the page makes, so the test can read its stats (test-side only). */
export async function capturePeers(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const Native = window.RTCPeerConnection;
    const peers: RTCPeerConnection[] = [];
    Object.assign(window, { __peers: peers });
    window.RTCPeerConnection = class extends Native {
      constructor(config?: RTCConfiguration) {
        super(config);
        peers.push(this);
      }
    };
  });
}

type Heard = { bytes: number; energy: number; seconds: number; state: string; muted: boolean };

/** The console's latest peer connection: what it received from the phone, and its state. */
export function consoleHeard(page: Page): Promise<Heard> {
  return page.evaluate(async () => {
    const peers = (window as unknown as { __peers: RTCPeerConnection[] }).__peers;
    const peer = peers.at(-1);
    const audio = document.querySelector<HTMLAudioElement>('[data-testid="call-audio"]');
    const heard = {
      bytes: 0,
      energy: 0,
      seconds: 0,
      state: peer?.connectionState ?? 'none',
      muted: !!audio?.muted,
    };
    if (!peer || peer.connectionState === 'closed') return heard;
    (await peer.getStats()).forEach((s) => {
      if (s.type !== 'inbound-rtp' || s.kind !== 'audio') return;
      heard.bytes = s.bytesReceived ?? 0;
      heard.energy = s.totalAudioEnergy ?? 0;
      heard.seconds = s.totalSamplesDuration ?? 0;
    });
    return heard;
  });
}

/** Energy the console received over the next `seconds` of audio that arrived. */
export async function consoleWindow(page: Page, seconds = 1.2): Promise<number> {
  const start = await consoleHeard(page);
  let now = start;
  await expect
    .poll(async () => {
      now = await consoleHeard(page);
      return now.seconds - start.seconds;
    })
    .toBeGreaterThanOrEqual(seconds);
  return now.energy - start.energy;
}

/** Energy the phone heard over its next `frames` 10 ms frames. */
export async function phoneWindow(phone: VirtualPhone, callId: string, frames = 120): Promise<number> {
  const start = (await phone.mediaStats(callId))!;
  let now = start;
  await expect
    .poll(async () => {
      now = (await phone.mediaStats(callId))!;
      return now.frames - start.frames;
    })
    .toBeGreaterThanOrEqual(frames);
  return now.energy - start.energy;
}

/** A direction goes quiet: some whole window of audio after the change carries no energy. */
export async function becomesSilent(window: () => Promise<number>): Promise<void> {
  await expect.poll(window, { timeout: 15_000 }).toBeLessThan(SILENT);
}

export const onlyCall = (phone: VirtualPhone) => [...phone.calls.keys()].at(-1)!;
