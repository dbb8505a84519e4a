import { describe, expect, it } from 'vitest';
import { browserLabel } from './label';
import { isSoftphone } from './slice';

describe('how a console page names itself to the agent’s other pages', () => {
  it('names the browser and the system from the user agent', () => {
    const chrome =
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
    const edge = `${chrome.replace('Macintosh; Intel Mac OS X 10_15_7', 'Windows NT 10.0; Win64; x64')} Edg/126.0.0.0`;
    const firefox = 'Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0';
    const safari =
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15';
    expect([chrome, edge, firefox, safari, 'curl/8'].map(browserLabel)).toEqual([
      'Chrome on macOS',
      'Edge on Windows',
      'Firefox on Linux',
      'Safari on macOS',
      'Browser',
    ]);
  });

  it('rings on this page until the server names another one', () => {
    expect(isSoftphone({ softphone: null }, 'page-a')).toBe(true);
    const status = { consoleId: 'page-a', label: 'Chrome on Linux', autoAnswer: false };
    expect(isSoftphone({ softphone: status }, 'page-a')).toBe(true);
    expect(isSoftphone({ softphone: status }, 'page-b')).toBe(false);
    expect(isSoftphone({ softphone: { ...status, consoleId: null } }, 'page-a')).toBe(false);
  });
});
