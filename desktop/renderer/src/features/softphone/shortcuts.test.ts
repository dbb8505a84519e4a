import { describe, expect, it } from 'vitest';
import { type KeyLike, shortcutFor } from './shortcuts';

const key = (k: string, extra: Partial<KeyLike> = {}): KeyLike => ({
  key: k,
  ctrlKey: false,
  altKey: false,
  metaKey: false,
  repeat: false,
  defaultPrevented: false,
  ...extra,
});
const free = { editable: false, dialogOpen: false };

describe('call shortcuts', () => {
  it('maps the listed keys, either case', () => {
    expect(['a', 'D', 'm', 'H', 'e', '?'].map((k) => shortcutFor(key(k), free))).toEqual([
      'answer',
      'decline',
      'mute',
      'hold',
      'hangup',
      'help',
    ]);
    expect(shortcutFor(key('x'), free)).toBeNull();
  });

  it('leaves typing, modified keys, repeats and handled keys alone', () => {
    expect(shortcutFor(key('a'), { editable: true, dialogOpen: false })).toBeNull();
    expect(shortcutFor(key('?'), { editable: true, dialogOpen: false })).toBeNull();
    expect(shortcutFor(key('m', { ctrlKey: true }), free)).toBeNull();
    expect(shortcutFor(key('m', { metaKey: true }), free)).toBeNull();
    expect(shortcutFor(key('h', { altKey: true }), free)).toBeNull();
    expect(shortcutFor(key('e', { repeat: true }), free)).toBeNull();
    expect(shortcutFor(key('a', { defaultPrevented: true }), free)).toBeNull();
  });

  it('behind an open dialog only opens the list', () => {
    const dialog = { editable: false, dialogOpen: true };
    expect(shortcutFor(key('e'), dialog)).toBeNull();
    expect(shortcutFor(key('?'), dialog)).toBe('help');
  });
});
