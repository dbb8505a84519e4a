import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '#shared';
import { COMMON_PASSWORDS_TEXT } from './common-passwords';

const COMMON = new Set(COMMON_PASSWORDS_TEXT.split('\n').filter(Boolean));

/** Rows of keys and runs of characters people type as "random": qwerty, 123456, abcdef. */
const SEQUENCES = [
  'abcdefghijklmnopqrstuvwxyz',
  '01234567890',
  'qwertyuiop',
  'asdfghjkl',
  'zxcvbnm',
  'qwertzuiop',
  'azertyuiop',
  '1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p',
  '1q2w3e4r5t6y7u8i9o0p',
  'q1w2e3r4t5y6u7i8o9p0',
  'qazwsxedcrfvtgbyhnujmikolp',
  '!@#$%^&*()',
].flatMap((s) => [s, [...s].reverse().join('')]);

const LONGEST = Math.max(...SEQUENCES.map((seq) => seq.length));

/** Look-alike characters people swap in ("p@ssw0rd"); undone before the list is searched. */
const LEET: Record<string, string> = {
  '@': 'a',
  '4': 'a',
  '8': 'b',
  '3': 'e',
  '6': 'g',
  '1': 'i',
  '!': 'i',
  '0': 'o',
  $: 's',
  '5': 's',
  '7': 't',
  '+': 't',
  '2': 'z',
};

/**
 * Why a new password is refused, in words a person can act on, or null when it is fine. The rules
 * follow NIST SP 800-63B: a minimum length, no composition rules, and a check against passwords
 * that guessers try first; here also the agent's own name, repeats and runs of keys.
 */
export function passwordProblem(password: string, agentName: string): string | null {
  if ([...password].length < PASSWORD_MIN_LENGTH) {
    return `a password needs at least ${PASSWORD_MIN_LENGTH} characters; a few unrelated words make a good one`;
  }
  if ([...password].length > PASSWORD_MAX_LENGTH) {
    return `a password has at most ${PASSWORD_MAX_LENGTH} characters`;
  }
  const lower = password.normalize('NFKC').toLowerCase();
  const compact = lower.replace(/\s+/g, '');
  const name = agentName.normalize('NFKC').toLowerCase().replace(/\s+/g, '');
  if (name.length >= 3 && compact.includes(name)) {
    return 'a password cannot contain your agent name; choose something others cannot guess';
  }
  if (repeats(compact) || new Set(compact).size < 4) {
    return 'this password repeats itself; choose something less predictable, such as a few unrelated words';
  }
  if (isCommon(compact)) {
    return 'this is one of the most common passwords, the first that guessers try; choose something less predictable, such as a few unrelated words';
  }
  if (isKeyRun(compact)) {
    return 'this password is a run of keys or characters in order (like qwerty or 123456); choose something less predictable';
  }
  return null;
}

/** The password, or its word with the digits and symbols around it stripped, is on the list. */
function isCommon(compact: string): boolean {
  const core = compact.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '');
  const letters = compact.replace(/[^\p{L}]/gu, '');
  const candidates = [compact, unleet(compact), core, unleet(core), letters];
  // "passwordpassword" or "iloveyou iloveyou": a common word said twice is still that word.
  for (const c of [...candidates]) {
    const unit = repeatedUnit(c);
    if (unit) candidates.push(unit);
  }
  return candidates.some((c) => c.length > 0 && COMMON.has(c));
}

const unleet = (s: string) => [...s].map((ch) => LEET[ch] ?? ch).join('');

/** The shortest piece the string is made of, repeated (at least twice), or null. */
function repeatedUnit(s: string): string | null {
  for (let size = 1; size <= s.length / 2; size++) {
    if (s.length % size !== 0) continue;
    const unit = s.slice(0, size);
    if (unit.repeat(s.length / size) === s) return unit;
  }
  return null;
}

/** Made of one short piece over and over ("abcabcabcabc", "121212121212"). */
const repeats = (s: string) => {
  const unit = repeatedUnit(s);
  return unit !== null && unit.length <= s.length / 3;
};

/** Entirely made of runs of 3 or more characters from the rows and sequences above. */
function isKeyRun(s: string): boolean {
  // covered[i]: the first i characters split into such runs ("0987654321" + "098").
  const covered = [true, ...Array<boolean>(s.length).fill(false)];
  for (let end = 3; end <= s.length; end++) {
    // No run is longer than the longest sequence, so pieces stop there (a 200-character password stays cheap).
    for (let start = end - 3; start >= Math.max(0, end - LONGEST) && !covered[end]; start--) {
      if (covered[start] && SEQUENCES.some((seq) => seq.includes(s.slice(start, end)))) covered[end] = true;
    }
  }
  return covered[s.length] === true;
}
