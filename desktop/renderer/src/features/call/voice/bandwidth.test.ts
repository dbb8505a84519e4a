import { describe, expect, it } from 'vitest';
import { capVideoBandwidth } from './bandwidth';

const SDP = [
  'v=0',
  'o=- 7 3 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111',
  'c=IN IP4 0.0.0.0',
  'a=mid:0',
  'm=video 9 UDP/TLS/RTP/SAVPF 96',
  'c=IN IP4 0.0.0.0',
  'b=AS:3000',
  'a=mid:1',
  '',
].join('\r\n');

describe('the team’s video cap on the console’s offers (issue 27)', () => {
  it('puts b=AS after the video section’s c= line, replacing one there, and leaves audio alone', () => {
    const capped = capVideoBandwidth(SDP, 800);
    expect(capped).toBe(SDP.replace('b=AS:3000', 'b=AS:800'));
    expect(capVideoBandwidth(SDP.replace('b=AS:3000\r\n', ''), 500)).toContain(
      'c=IN IP4 0.0.0.0\r\nb=AS:500\r\na=mid:1',
    );
    expect(capVideoBandwidth(SDP, null)).toBe(SDP);
    expect(capVideoBandwidth(SDP.split('m=video')[0]!, 800)).toBe(SDP.split('m=video')[0]);
  });
});
