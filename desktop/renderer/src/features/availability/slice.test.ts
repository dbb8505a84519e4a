import { describe, expect, it } from 'vitest';
import type { AgentAvailability } from '#shared';
import { createConsoleStore } from '../../store/store';
import { presenceOrder, shownState, stateInWords } from './words';

const agent = (agentId: string, over: Partial<AgentAvailability> = {}): AgentAvailability => ({
  agentId,
  name: agentId,
  state: 'available',
  since: 1_000,
  until: null,
  online: true,
  ...over,
});

describe('availability in the store', () => {
  it('takes a snapshot whole, then changes one agent at a time', () => {
    const store = createConsoleStore(() => 0);
    const { availabilitySnapshot, availabilityChanged } = store.getState();
    availabilitySnapshot([agent('ana'), agent('ben')]);
    availabilityChanged([agent('ben', { state: 'away', since: 2_000 })]);
    expect(Object.values(store.getState().agents).map((a) => `${a.name}:${a.state}`)).toEqual([
      'ana:available',
      'ben:away',
    ]);
  });

  it('drops a change older than the one it holds (two server nodes crossing)', () => {
    const store = createConsoleStore(() => 0);
    const { availabilitySnapshot, availabilityChanged } = store.getState();
    availabilitySnapshot([agent('ana', { state: 'busy', since: 5_000 })]);
    availabilityChanged([agent('ana', { state: 'available', since: 4_000 })]);
    expect(store.getState().agents.ana?.state).toBe('busy');
    // The same state with a change of connection only (same since) is taken.
    availabilityChanged([agent('ana', { state: 'busy', since: 5_000, online: false })]);
    expect(store.getState().agents.ana?.online).toBe(false);
  });

  it('is emptied by signing out', () => {
    const store = createConsoleStore(() => 0);
    store.getState().availabilitySnapshot([agent('ana')]);
    store.getState().signedOut(null);
    expect(store.getState().agents).toEqual({});
  });
});

describe('availability in words', () => {
  it('counts after-call work down, and shows it over once its end passed', () => {
    const acw = agent('ana', { state: 'afterCall', since: 10_000, until: 40_000 });
    expect(stateInWords(acw, 15_000)).toBe('After-call work · 0:25 left');
    expect(shownState(acw, 40_000)).toEqual({ state: 'available', since: 40_000 });
    expect(stateInWords(acw, 100_000)).toBe('Available · 1:00');
    expect(stateInWords(agent('ben', { state: 'busy', since: 0 }), 125_000)).toBe('Busy · 2:05');
  });

  it('lists me first, then who is signed in, by name', () => {
    const order = presenceOrder(
      [agent('zoe'), agent('bob', { online: false }), agent('me'), agent('amy')],
      'me',
    ).map((a) => a.agentId);
    expect(order).toEqual(['me', 'amy', 'zoe', 'bob']);
  });
});
