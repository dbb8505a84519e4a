import { describe, expect, it } from 'vitest';
import { refusalText } from './refusal';

describe('a refused request in words', () => {
  it("is the server's refusal as a sentence, and a lost answer as a connection problem", () => {
    expect(refusalText({ code: 'CONFLICT', message: "boss is the team's last admin" })).toBe(
      "boss is the team's last admin",
    );
    expect(refusalText({ code: 'UNAVAILABLE', message: 'x' })).toMatch(/did not answer/);
    // The server's own UNAVAILABLE, when it cannot save, says why (issue 20 item 12).
    const full = 'the server cannot save right now: disk full';
    expect(refusalText({ code: 'UNAVAILABLE', message: full })).toBe(full);
  });
});
