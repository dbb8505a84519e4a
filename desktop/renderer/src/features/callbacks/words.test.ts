import { describe, expect, it } from 'vitest';
import type { Callback } from '#shared';
import { createConsoleStore } from '../../store/store';
import { queueOrder } from './slice';
import { attemptsText, claimText, mayDo, missedText } from './words';

const cb = (over: Partial<Callback>): Callback => ({
  id: 'cb1',
  staffId: 's1',
  staffName: 'Ana',
  state: 'open',
  missedCalls: 1,
  firstCallAt: 1000,
  lastCallAt: 1000,
  lastCallId: '6f9c2b1e-3f4a-4b8e-9d2c-1a2b3c4d5e6f',
  attempts: 0,
  lastAttemptAt: null,
  claimedBy: null,
  claimedByName: null,
  claimedAt: null,
  closedAt: null,
  closedBy: null,
  closeReason: null,
  ...over,
});

describe('callbacks in words', () => {
  it('counts missed calls and tries', () => {
    expect(missedText({ missedCalls: 1 })).toBe('1 missed call');
    expect(missedText({ missedCalls: 3 })).toBe('3 missed calls');
    expect(attemptsText({ attempts: 0 })).toBe('Not tried yet');
    expect(attemptsText({ attempts: 1 })).toBe('1 try');
    expect(attemptsText({ attempts: 2 })).toBe('2 tries');
  });

  it('says who has it and offers what the server allows', () => {
    expect(claimText(cb({}), 'me')).toBe('Nobody yet');
    expect(claimText(cb({ claimedBy: 'me', claimedByName: 'Me' }), 'me')).toBe('You');
    expect(claimText(cb({ claimedBy: 'b', claimedByName: 'bob' }), 'me')).toBe('bob');
    expect(mayDo(cb({}), 'me', false)).toEqual({ claim: true, callBack: false, release: false, close: true });
    expect(mayDo(cb({ claimedBy: 'me' }), 'me', false)).toEqual({
      claim: false,
      callBack: true,
      release: true,
      close: true,
    });
    expect(mayDo(cb({ claimedBy: 'b' }), 'me', false)).toEqual({
      claim: false,
      callBack: false,
      release: false,
      close: false,
    });
    expect(mayDo(cb({ claimedBy: 'b' }), 'me', true)).toMatchObject({
      release: true,
      close: true,
      callBack: false,
    });
  });
});

describe('callbacks in the store', () => {
  it('keeps the open ones, oldest first; a closed one leaves', () => {
    const store = createConsoleStore(() => 0);
    const { callbacksLoaded, callbacksChanged } = store.getState();
    callbacksLoaded([cb({ id: 'new', firstCallAt: 5000 }), cb({ id: 'old', firstCallAt: 1000 })]);
    expect(queueOrder(store.getState().callbacks).map((c) => c.id)).toEqual(['old', 'new']);
    callbacksChanged([cb({ id: 'old', state: 'closed' }), cb({ id: 'third', firstCallAt: 9000 })]);
    expect(queueOrder(store.getState().callbacks).map((c) => c.id)).toEqual(['new', 'third']);
  });
});
