import { COMMON_PASSWORDS } from './common-passwords';

/*
 * What a password must be, after NIST SP 800-63B: long enough, not one that is guessed first, and
 * no composition rules (no "one capital, one digit, one symbol"): those make passwords harder to
 * remember without making them harder to guess. Any characters are allowed, Chinese included.
 */

export const PASSWORD_MIN_LENGTH = 10;

/**
 * The password of the demo data set, printed in the README: never accepted in production (a
 * database seeded for a demo and then put into service must not let the world in), and never
 * allowed as anyone's new password.
 */
export const DEMO_PASSWORD = 'sanling-demo';
export const PASSWORD_MAX_LENGTH = 200;

const ADVICE = 'Tip: three or four unrelated words (e.g. "river-lamp-hungry-tea") are long, easy to remember and hard to guess.';

const LEET: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', $: 's', '!': 'i' };

/** The forms of a password looked up in the common list: as is, without separators, its stem, leet undone. */
function candidates(lower: string): string[] {
  const alnum = lower.replace(/[^\p{L}\p{N}]/gu, '');
  const stem = lower.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '');
  const letters = lower.replace(/[^\p{L}]/gu, '');
  const unleet = (s: string) =>
    [...s]
      .map((c) => LEET[c] ?? c)
      .join('')
      .replace(/[^\p{L}]/gu, '');
  const inner = lower.replace(/^[^\p{L}@$]+|[^\p{L}@$]+$/gu, '');
  return [lower, alnum, stem, stem.replace(/[^\p{L}\p{N}]/gu, ''), letters, unleet(lower), unleet(inner)];
}

/** Every step between neighbouring characters is the same +1 or -1 (abcdef…, 987654…). */
function isSequence(s: string): boolean {
  const codes = [...s].map((c) => c.codePointAt(0)!);
  const step = codes[1] - codes[0];
  return Math.abs(step) === 1 && codes.every((c, i) => i === 0 || c - codes[i - 1] === step);
}

/**
 * Problems with a new password, each a sentence a person can act on; empty when it is fine.
 * `phone` is the account's own phone, which must not be (part of) the password.
 */
export function passwordProblems(password: string, context: { phone?: string } = {}): string[] {
  const normalized = password.normalize('NFKC');
  const length = [...normalized].length;
  const lower = normalized.toLowerCase();
  const compact = lower.replace(/[\s\-_.]/g, '');
  const problems: string[] = [];
  if (length < PASSWORD_MIN_LENGTH) problems.push(`password must be at least ${PASSWORD_MIN_LENGTH} characters (it has ${length})`);
  if (length > PASSWORD_MAX_LENGTH) problems.push(`password must be at most ${PASSWORD_MAX_LENGTH} characters`);
  if (length > PASSWORD_MAX_LENGTH || !compact) return problems.length ? [...problems, ADVICE] : problems;

  const digits = compact.replace(/\D/g, '').length;
  if (context.phone && context.phone.length >= 5 && compact.includes(context.phone)) {
    problems.push('password must not contain your phone number: it is the first thing an attacker tries');
  } else if (digits === compact.length) {
    problems.push('password must not be digits only: numbers such as dates, phone numbers or 5201314 are guessed first');
  } else if (compact.length - digits < 4 && digits >= 6) {
    problems.push('password is mostly one number with a few letters (such as a date or a phone number): use words instead');
  } else if (new Set(compact).size < 4 || /^(.{1,5}?)\1+$/u.test(compact) || isSequence(compact)) {
    problems.push('password must not be one character repeated, a short pattern repeated or a run like "abcdefgh"');
  } else if (lower === DEMO_PASSWORD) {
    problems.push("password is the demo data set's, printed in the README for everyone: choose another");
  } else if (candidates(lower).some((c) => COMMON_PASSWORDS.has(c))) {
    problems.push('password is one of the most common passwords (or one with digits or symbols added), which attackers try first: choose another');
  }
  return problems.length ? [...problems, ADVICE] : problems;
}
