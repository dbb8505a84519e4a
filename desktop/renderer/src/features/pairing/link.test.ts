import { describe, expect, it } from 'vitest';
import { pairingUrl } from '#shared';
import { loopbackServer } from './link';

describe('a pairing link no phone can follow', () => {
  it('is one that sends the phone to this computer itself', () => {
    expect(loopbackServer(pairingUrl('http://127.0.0.1:4780', 'K7Q2M9X4PD'))).toBe('http://127.0.0.1:4780');
    expect(loopbackServer(pairingUrl('http://localhost:4780', 'K7Q2M9X4PD'))).toBe('http://localhost:4780');
    expect(loopbackServer(pairingUrl('http://[::1]:4780', 'K7Q2M9X4PD'))).toBe('http://[::1]:4780');
    expect(loopbackServer(pairingUrl('https://192.168.1.20:4780', 'K7Q2M9X4PD', 'a1'.repeat(32)))).toBeNull();
    expect(loopbackServer(pairingUrl('https://calls.example.com', 'K7Q2M9X4PD'))).toBeNull();
    expect(loopbackServer('not a link')).toBeNull();
  });
});
