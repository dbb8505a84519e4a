import { describe, expect, it } from 'vitest';
import { PASSWORD_MIN_LENGTH } from '#shared';
import { COMMON_PASSWORDS_TEXT } from '../src/auth/passwords/common-passwords';
import { newOneTimePassword } from '../src/auth/passwords/one-time';
import { passwordProblem } from '../src/auth/passwords/rules';

describe('password rules', () => {
  it('refuses a short password, saying how long one must be', () => {
    expect(passwordProblem('tiger lamp', 'ana')).toBe(
      `a password needs at least ${PASSWORD_MIN_LENGTH} characters; a few unrelated words make a good one`,
    );
    // Characters, not UTF-16 units: 11 emoji are 22 units but still too short.
    expect(passwordProblem('🦊'.repeat(11), 'ana')).toMatch(/at least 12/);
  });

  it.each([
    'password1234',
    'Password2024!',
    'P@ssw0rd2024',
    'Summer2024!!',
    '!!iloveyou!!',
    'qwertyuiop123',
    'passwordpassword',
    'iloveyou iloveyou',
    'correct horse battery staple',
    'football12345',
  ])('refuses %s as one of the most common passwords, padded or spelled with look-alikes', (pw) => {
    expect(passwordProblem(pw, 'ana')).toMatch(/one of the most common passwords/);
  });

  it.each(['aaaaaaaaaaaa', 'abcabcabcabc', '121212121212', 'xyxyxyxyxyxyxy'])(
    'refuses %s as repeating itself',
    (pw) => {
      expect(passwordProblem(pw, 'ana')).toMatch(/repeats itself/);
    },
  );

  it.each(['1234567890123', 'abcdefghijklm', 'qwertasdfgzxcvb', '0987654321098', '1qaz2wsx3edc4rfv'])(
    'refuses %s as a run of keys',
    (pw) => {
      expect(passwordProblem(pw, 'ana')).toMatch(/run of keys/);
    },
  );

  it("refuses a password holding the agent's own name, in any case", () => {
    expect(passwordProblem('Kasimir is my name', 'kasimir')).toMatch(/cannot contain your agent name/);
    expect(passwordProblem('my name is kasimir', 'Kasimir')).toMatch(/cannot contain your agent name/);
  });

  it('accepts passphrases and random strings of the minimum length', () => {
    for (const pw of ['velvet otter quarry', 'lamp-tiger-ocean-91', 'Zq8#vL2!pWx7', newOneTimePassword()]) {
      expect(passwordProblem(pw, 'ana'), pw).toBeNull();
    }
  });

  it('ships a list of common passwords that are lower-case, one a line, without repeats', () => {
    const lines = COMMON_PASSWORDS_TEXT.split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(1_000);
    expect(new Set(lines).size).toBe(lines.length);
    expect(lines.filter((l) => l !== l.toLowerCase() || /\s/.test(l))).toEqual([]);
    expect(lines.slice(0, 3)).toEqual(['123456', 'password', '12345678']);
  });

  it('makes one-time passwords of three groups of five characters that cannot be misread', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const pw = newOneTimePassword();
      expect(pw).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/);
      seen.add(pw);
    }
    expect(seen.size).toBe(200);
  });
});
