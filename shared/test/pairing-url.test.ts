import { describe, expect, it } from 'vitest';
import { pairingUrl } from '../src/http';
import { readPairingLink } from '../src/pairing-link';

describe('the pairing link', () => {
  const fp = 'a1'.repeat(32);

  it('carries the server, the code and, for a pinned certificate, its SHA-256 as fp', () => {
    const link = new URL(pairingUrl('https://192.168.1.20:4780', 'K7Q2M9X4PD', fp));
    expect(link.protocol).toBe('switchboard:');
    expect([...link.searchParams]).toEqual([
      ['server', 'https://192.168.1.20:4780'],
      ['code', 'K7Q2M9X4PD'],
      ['fp', fp],
    ]);
    expect(pairingUrl('https://calls.example.com', 'K7Q2M9X4PD')).toBe(
      'switchboard://pair?server=https%3A%2F%2Fcalls.example.com&code=K7Q2M9X4PD',
    );
    expect(pairingUrl('https://calls.example.com', 'K7Q2M9X4PD', null)).not.toContain('fp=');
  });

  it('refuses a fingerprint that is not 64 lowercase hex digits', () => {
    for (const bad of ['A1'.repeat(32), 'a1'.repeat(31), `${'a1'.repeat(31)}:a`, 'AB:CD']) {
      expect(() => pairingUrl('https://x.test', 'K7Q2M9X4PD', bad)).toThrow('64 lowercase hex digits');
    }
  });

  it('is read by the phone as the console made it (the rules the iOS app applies, fixtures shared)', () => {
    expect(readPairingLink(pairingUrl('https://192.168.1.20:4780', 'K7Q2M9X4PD', fp))).toEqual({
      server: 'https://192.168.1.20:4780',
      code: 'K7Q2M9X4PD',
      fp,
    });
    expect(readPairingLink(pairingUrl('http://127.0.0.1:4780', 'K7Q2M9X4PD'))).toMatchObject({ fp: null });
    // What the phone refuses: plain http off this network, a pin on plain http.
    expect(readPairingLink(pairingUrl('http://calls.example.com', 'K7Q2M9X4PD'))).toEqual({
      problem: 'insecureServer',
    });
    expect(readPairingLink(pairingUrl('http://192.168.1.20:4780', 'K7Q2M9X4PD', fp))).toEqual({
      problem: 'badFingerprint',
    });
  });
});
