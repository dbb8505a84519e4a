import type os from 'node:os';
import { describe, expect, it } from 'vitest';
import { lanAddress } from './network';

const nic = (address: string, internal = false): os.NetworkInterfaceInfo =>
  ({ address, family: 'IPv4', internal, netmask: '', mac: '', cidr: null }) as os.NetworkInterfaceInfo;

describe('the address phones are given', () => {
  it('prefers a private LAN address over a VPN or public one, and ignores loopback', () => {
    expect(
      lanAddress({ lo: [nic('127.0.0.1', true)], tun0: [nic('100.64.0.2')], en0: [nic('192.168.1.20')] }),
    ).toBe('192.168.1.20');
    expect(lanAddress({ lo: [nic('127.0.0.1', true)], eth0: [nic('203.0.113.7')] })).toBe('203.0.113.7');
    expect(lanAddress({ lo: [nic('127.0.0.1', true)] })).toBeNull();
  });
});
