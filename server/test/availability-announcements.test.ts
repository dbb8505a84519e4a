import { describe, expect, it } from 'vitest';
import type { AgentAvailability } from '#shared';
import { Announcements } from '../src/availability/announcements';

const entry = (agentId: string, state: AgentAvailability['state']): AgentAvailability => ({
  agentId,
  name: agentId,
  state,
  since: 0,
  until: null,
  online: true,
});

/**
 * Announcements over a table of states the test changes, with the given window on a clock the
 * test moves; what they read and sent.
 */
function announcements(windowMs: number) {
  const states = new Map<string, AgentAvailability['state']>();
  const reads: string[][] = [];
  const sent: AgentAvailability[][] = [];
  let now = 1_000;
  let onSend: (() => void) | null = null;
  const a = new Announcements({
    read: async (ids) => {
      reads.push(ids);
      return ids.flatMap((id) => {
        const state = states.get(id);
        return state ? [entry(id, state)] : [];
      });
    },
    send: (agents) => {
      sent.push(agents);
      onSend?.();
    },
    onError: (err) => {
      throw err;
    },
    windowMs,
    now: () => now,
  });
  const set = (id: string, state: AgentAvailability['state']) => {
    states.set(id, state);
    a.changed(id);
  };
  return {
    a,
    set,
    reads,
    sent,
    remove: (id: string) => states.delete(id),
    move: (ms: number) => {
      now += ms;
    },
    nextSend: () =>
      new Promise<void>((resolve) => {
        onSend = resolve;
      }),
  };
}

describe('availability announcements', () => {
  it('sends a change at once, then those within the window together, read once as they are by then', async () => {
    const { a, set, reads, sent, remove } = announcements(60_000);
    set('ann', 'busy');
    await a.settled();
    expect(sent).toEqual([[entry('ann', 'busy')]]);

    set('ben', 'busy');
    set('ann', 'afterCall');
    set('ben', 'available');
    set('cy', 'away');
    remove('cy');
    await Promise.resolve();
    expect(sent).toHaveLength(1);
    // Settling does not wait out the window.
    await a.settled();
    expect(reads.at(-1)).toEqual(['ben', 'ann', 'cy']);
    expect(sent[1]).toEqual([entry('ben', 'available'), entry('ann', 'afterCall')]);
    a.close();
  });

  it("sends at the window's end by itself, and at once again after a quiet window", async () => {
    const { a, set, sent, move, nextSend } = announcements(20);
    set('ann', 'busy');
    await a.settled();
    const trailing = nextSend();
    set('ben', 'busy');
    await trailing;
    expect(sent).toEqual([[entry('ann', 'busy')], [entry('ben', 'busy')]]);

    move(20);
    set('cy', 'away');
    await a.settled();
    expect(sent[2]).toEqual([entry('cy', 'away')]);
    a.close();
  });

  it('a change during a send is sent after it, never lost; nothing is sent once closed', async () => {
    const { a, set, sent } = announcements(0);
    set('ann', 'busy');
    // The send under way has read Ann already (a microtask later): this change comes after it.
    await Promise.resolve();
    set('ann', 'available');
    await a.settled();
    expect(sent.at(-1)).toEqual([entry('ann', 'available')]);

    set('ben', 'away');
    a.close();
    await a.settled();
    expect(sent.flat().map((e) => e.agentId)).not.toContain('ben');
  });
});
