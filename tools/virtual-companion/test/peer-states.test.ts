import { describe, expect, it } from 'vitest';
import { followStates, type StateEvents } from '../src/wrtc';

type StateEvent = 'iceconnectionstatechange' | 'connectionstatechange';

/**
 * A peer as wrtc shows one: its state getters read libwebrtc's standardized states, and its events
 * come when the legacy state changes, which can be before the standardized one has moved.
 */
class WrtcLikePeer implements StateEvents {
  iceConnectionState = 'connected';
  connectionState = 'connected';
  signalingState = 'stable';
  private readonly listeners = new Map<string, Set<() => void>>();
  addEventListener(type: string, listener: () => void): void {
    const set = this.listeners.get(type) ?? new Set();
    set.add(listener);
    this.listeners.set(type, set);
  }
  dispatchEvent(event: { type: string }): void {
    process.nextTick(() => {
      for (const listener of this.listeners.get(event.type) ?? []) listener();
    });
  }
  /** What a handler reads each time the event comes. */
  heard(type: StateEvent, read: () => string): string[] {
    const seen: string[] = [];
    this.addEventListener(type, () => seen.push(read()));
    return seen;
  }
}

/** Resolves when `list` reaches `n` entries, checked as each event is handled. */
function nth(peer: WrtcLikePeer, type: StateEvent, list: string[], n: number): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (list.length >= n) resolve();
    };
    peer.addEventListener(type, () => process.nextTick(check));
    check();
  });
}

describe('a wrtc peer’s state events', () => {
  it('a change that came after its event is announced by an event of its own', async () => {
    const peer = new WrtcLikePeer();
    followStates(peer, 5);
    const ice = peer.heard('iceconnectionstatechange', () => peer.iceConnectionState);
    const overall = peer.heard('connectionstatechange', () => peer.connectionState);

    // The legacy state moved and its event came while the standardized state still read
    // "connected"; the standardized one moved just after, with no event of its own.
    peer.dispatchEvent({ type: 'iceconnectionstatechange' });
    peer.dispatchEvent({ type: 'connectionstatechange' });
    await nth(peer, 'iceconnectionstatechange', ice, 1);
    peer.iceConnectionState = 'disconnected';
    peer.connectionState = 'disconnected';

    await nth(peer, 'iceconnectionstatechange', ice, 2);
    await nth(peer, 'connectionstatechange', overall, 2);
    expect(ice).toEqual(['connected', 'disconnected']);
    expect(overall).toEqual(['connected', 'disconnected']);
  });

  it('a change its own event announced is not announced again', async () => {
    const peer = new WrtcLikePeer();
    followStates(peer, 5);
    const ice = peer.heard('iceconnectionstatechange', () => peer.iceConnectionState);
    peer.iceConnectionState = 'disconnected';
    peer.dispatchEvent({ type: 'iceconnectionstatechange' });
    await nth(peer, 'iceconnectionstatechange', ice, 1);
    // A later change, announced by the checks, shows that they ran in between and stayed quiet.
    peer.iceConnectionState = 'connected';
    await nth(peer, 'iceconnectionstatechange', ice, 2);
    expect(ice).toEqual(['disconnected', 'connected']);
  });

  it('a closed peer is no longer read', async () => {
    const peer = new WrtcLikePeer();
    let reads = 0;
    const state = { value: 'connected' };
    Object.defineProperty(peer, 'iceConnectionState', {
      get: () => {
        reads += 1;
        return state.value;
      },
    });
    followStates(peer, 5);
    peer.signalingState = 'closed';
    state.value = 'closed';
    const ice = peer.heard('iceconnectionstatechange', () => peer.iceConnectionState);
    // Another peer's checks, on the same interval, give the closed one time to have been read.
    const other = new WrtcLikePeer();
    followStates(other, 5);
    const otherIce = other.heard('iceconnectionstatechange', () => other.iceConnectionState);
    other.iceConnectionState = 'disconnected';
    await nth(other, 'iceconnectionstatechange', otherIce, 1);
    other.signalingState = 'closed';
    expect(ice).toEqual([]);
    expect(reads).toBeLessThanOrEqual(2);
  });
});
