import { describe, expect, it } from 'vitest';
import type { Disposition, WrapUp } from '#shared';
import { createConsoleStore } from '../../store/store';
import { listProblem, pickable, unsaved } from './words';

const d = (id: string, name: string, archived = false): Disposition => ({ id, name, archived });
const saved = (over: Partial<WrapUp> = {}): WrapUp => ({
  note: 'n',
  dispositionId: null,
  dispositionName: null,
  agentId: 'a',
  updatedAt: 1,
  ...over,
});

describe('notes and dispositions in the console', () => {
  it('offers the active dispositions, and a removed one only on the call that has it', () => {
    const all = [d('1', 'Resolved'), d('2', 'Old', true)];
    expect(pickable(all, null).map((x) => x.id)).toEqual(['1']);
    expect(pickable(all, '2').map((x) => x.id)).toEqual(['1', '2']);
  });

  it('knows when the form holds something not saved', () => {
    expect(unsaved(undefined, '  ', null)).toBe(false);
    expect(unsaved(undefined, '', '1')).toBe(true);
    expect(unsaved(saved(), 'n', null)).toBe(false);
    expect(unsaved(saved(), 'n2', null)).toBe(true);
  });

  it('refuses an empty name and the same name twice before asking the server', () => {
    expect(listProblem(['Resolved', ' '])).toBe('every disposition needs a name');
    expect(listProblem(['Resolved', 'resolved '])).toBe('“resolved” is on the list twice');
    expect(listProblem(['Resolved', 'Follow-up'])).toBeNull();
  });

  it('keeps the saved note of a call, and the list, in the store until sign-out', () => {
    const store = createConsoleStore(() => 0);
    store.getState().dispositionsLoaded([d('1', 'Resolved')]);
    store.getState().wrapUpSaved('call-1', saved({ note: 'hello' }));
    expect(store.getState().wrapUps['call-1']?.note).toBe('hello');
    store.getState().signedOut(null);
    expect(store.getState().dispositions).toEqual([]);
    expect(store.getState().wrapUps).toEqual({});
  });
});
