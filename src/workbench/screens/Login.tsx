import { useState, type FormEvent } from 'react';
import { useMutation } from '@apollo/client/react';
import { CombinedGraphQLErrors } from '@apollo/client/errors';
import { graphql } from '../gql';
import { notice, signIn } from '../session';

const LOGIN = graphql(`
  mutation Login($input: LoginInput!) {
    login(input: $input) {
      token
      expiresAt
    }
  }
`);

/** Why a login failed, in words; the server throttles wrong passwords and says how long to wait. */
function loginProblem(error: unknown): string {
  if (!CombinedGraphQLErrors.is(error)) return '网络连接失败，请检查网络后重试。';
  const e = error.errors[0];
  const code = e?.extensions?.code;
  if (code === 'RATE_LIMITED') {
    if (e.extensions?.locked) return '密码错误次数过多，账号已锁定，请联系管理员解锁。';
    const wait = Number(e.extensions?.retryAfter);
    return `尝试次数过多，请${Number.isFinite(wait) ? ` ${Math.ceil(wait)} 秒后` : '稍后'}再试。`;
  }
  if (code === 'UNAUTHENTICATED') return '手机号或密码不正确，或账号已停用。';
  if (code === 'BAD_USER_INPUT') return '请填写 11 位手机号和密码。';
  return '登录失败，请稍后再试。';
}

export function Login() {
  const [phone, setPhone] = useState('');
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [login, { loading }] = useMutation(LOGIN);
  const why = notice();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setProblem(null);
    if (!/^1\d{10}$/.test(phone.trim())) return setProblem('请填写 11 位手机号。');
    if (!password) return setProblem('请填写密码。');
    try {
      const { data } = await login({ variables: { input: { phone: phone.trim(), password } } });
      if (data) signIn(data.login.token);
    } catch (err) {
      setProblem(loginProblem(err));
    }
  };

  return (
    <main className="login" id="main">
      <h1>三零 · 办件工作台</h1>
      <p className="muted">乡镇干部、网格员在手机上受理、交办、办结案件</p>
      {why && (
        <p className="notice" role="status">
          {why}
        </p>
      )}
      <form onSubmit={submit} noValidate>
        <label>
          手机号
          <input name="phone" type="tel" inputMode="numeric" autoComplete="username" value={phone} onChange={(e) => setPhone(e.target.value)} />
        </label>
        <label>
          密码
          <input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        {problem && (
          <p className="error" role="alert">
            {problem}
          </p>
        )}
        <button type="submit" className="primary" disabled={loading}>
          {loading ? '正在登录…' : '登录'}
        </button>
      </form>
    </main>
  );
}
