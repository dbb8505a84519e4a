import { describe, expect, it } from 'vitest';
import { unplugged } from './devices';

const mic = (id: string) => ({ id, label: `Mic ${id}` });
const out = (id: string) => ({ id, label: `Out ${id}` });

describe('unplugged devices', () => {
  const before = { inputs: [mic('m1'), mic('m2')], outputs: [out('o1'), out('o2')] };

  it('names each chosen device that was there and is gone', () => {
    const after = { inputs: [mic('m2')], outputs: [out('o2')] };
    expect(unplugged(before, after, { microphone: 'm1', speaker: 'o2', ringtone: 'o1' })).toEqual([
      'microphone',
      'ringtone',
    ]);
    expect(unplugged(before, after, { microphone: 'm2', speaker: 'o1', ringtone: 'o1' })).toEqual([
      'speaker',
      'ringtone',
    ]);
  });

  it('ignores the default, devices not chosen, and a choice that was already missing', () => {
    const after = { inputs: [], outputs: [] };
    expect(unplugged(before, after, { microphone: '', speaker: '', ringtone: '' })).toEqual([]);
    expect(unplugged(after, after, { microphone: 'm1', speaker: 'o1', ringtone: 'o2' })).toEqual([]);
  });
});
