import { passwordProblems, PASSWORD_MIN_LENGTH } from '../../src/domain/access/password-policy';
import { backoffSeconds, DEFAULT_LOGIN_LIMITS } from '../../src/domain/limits/login-throttle';
import { addressKey } from '../../src/domain/limits/address';

const refused = (password: string, phone?: string) => passwordProblems(password, { phone }).join(' ');

describe('password policy', () => {
  it.each(['correct-horse-1', 'long-enough-1', 'river-lamp-hungry-tea', '我家门前有两棵枣树呢', 'Tr0ub4dor&3xq', '8f3k9d2m1x'])('accepts %s', (password) =>
    expect(passwordProblems(password, { phone: '13800000102' })).toEqual([]),
  );

  it('refuses the demo password, which the README publishes', () => {
    expect(refused('sanling-demo')).toMatch(/demo data set/);
    expect(refused('Sanling-Demo')).toMatch(/demo data set/);
  });

  it('asks for at least ten characters, counting Chinese characters as one each', () => {
    expect(PASSWORD_MIN_LENGTH).toBe(10);
    expect(refused('abc-xyz-q')).toMatch(/at least 10 characters \(it has 9\)/);
    expect(refused('枣树')).toMatch(/it has 2/);
    expect(refused('x'.repeat(201))).toMatch(/at most 200/);
  });

  it.each([
    ['password123', /most common/],
    ['Password2024!', /most common/],
    ['p@ssw0rd2024', /most common/],
    ['qwertyuiop', /most common/],
    ['1qaz2wsx3edc', /most common/],
    ['woaini1314', /most common/],
    ['aini1314520', /most common/],
    ['Sanling2026!', /most common/],
    ['zhangwei1990', /most common/],
    ['iloveyou!!!', /most common/],
    ['5201314520', /digits only/],
    ['1234567890', /digits only/],
    ['19900101 0000', /digits only/],
    ['ab19900101', /mostly one number/],
    ['aaaaaaaaaaaa', /repeated/],
    ['abcabcabcabc', /repeated/],
    ['abcdefghijk', /repeated|run/],
  ])('refuses %s', (password, why) => {
    expect(refused(password)).toMatch(why);
    // Every refusal says what would work instead.
    expect(refused(password)).toMatch(/three or four unrelated words/);
  });

  it('refuses the account phone inside the password', () => {
    expect(refused('x13800000102y', '13800000102')).toMatch(/phone number/);
    expect(refused('x13800000102y', '13900000000')).toMatch(/mostly one number/);
  });
});

describe('login throttling arithmetic', () => {
  it('doubles the wait after the free failures, up to the cap', () => {
    const waits = [4, 5, 6, 7, 8, 9, 20, 60].map((n) => backoffSeconds(n, DEFAULT_LOGIN_LIMITS));
    expect(waits).toEqual([0, 1, 2, 4, 8, 16, 900, 900]);
  });

  it('keys IPv4 by address and IPv6 by its /64', () => {
    expect(addressKey('10.1.2.3')).toBe('addr:10.1.2.3');
    expect(addressKey('::ffff:10.1.2.3')).toBe('addr:10.1.2.3');
    expect(addressKey('2001:db8:1:2::5')).toBe(addressKey('2001:0db8:0001:0002:ffff:1:2:3'));
    expect(addressKey('2001:db8:1:2::5')).not.toBe(addressKey('2001:db8:1:3::5'));
    expect(addressKey('::1')).toBe('addr:0:0:0:0::/64');
  });
});
