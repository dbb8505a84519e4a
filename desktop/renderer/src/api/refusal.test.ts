import { describe, expect, it } from 'vitest';
import { refusalText } from './refusal';

describe('a refused request in words', () => {
  it("is the server's refusal as a sentence, and a lost answer as a connection problem", () => {
    expect(refusalText({ code: 'CONFLICT', message: "boss is the team's last admin" })).toBe(
      "boss is the team's last admin",
    );
    expect(refusalText({ code: 'UNAVAILABLE', message: 'x' })).toMatch(/did not answer/);
  });
});
