import { CombinedGraphQLErrors } from '@apollo/client/errors';

/* How the workbench writes times, deadlines and the server's refusals, in Chinese and Beijing time. */

const BEIJING = 'Asia/Shanghai';
const dateTime = new Intl.DateTimeFormat('zh-CN', { timeZone: BEIJING, month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false });
const fullDate = new Intl.DateTimeFormat('zh-CN', {
  timeZone: BEIJING,
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});

export function when(iso: string | null | undefined, withYear = false): string {
  if (!iso) return '—';
  return (withYear ? fullDate : dateTime).format(new Date(iso));
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function span(ms: number): string {
  if (ms >= DAY) return `${Math.floor(ms / DAY)} 天${ms % DAY >= HOUR ? ` ${Math.floor((ms % DAY) / HOUR)} 小时` : ''}`;
  if (ms >= HOUR) return `${Math.floor(ms / HOUR)} 小时`;
  return `${Math.max(1, Math.floor(ms / 60_000))} 分钟`;
}

/** The time left to a deadline ("剩 2 天 3 小时"), or how long it is past ("超期 5 小时"). */
export function timeLeft(deadline: string | null | undefined, now: number = Date.now()): { text: string; overdue: boolean } | null {
  if (!deadline) return null;
  const ms = new Date(deadline).getTime() - now;
  return ms >= 0 ? { text: `剩 ${span(ms)}`, overdue: false } : { text: `超期 ${span(-ms)}`, overdue: true };
}

/** The error code the server gave (extensions.code), if it was a GraphQL refusal. */
export function errorCode(error: unknown): string | undefined {
  return CombinedGraphQLErrors.is(error) ? (error.errors[0]?.extensions?.code as string | undefined) : undefined;
}

const CODE_TEXT: Record<string, string> = {
  UNAUTHENTICATED: '请先登录。',
  FORBIDDEN: '您没有这项操作的权限。',
  NOT_FOUND: '没有找到，或不在您的辖区内。',
  INVALID_TRANSITION: '案件当前的状态不允许这项操作。',
  VERSION_CONFLICT: '案件刚被他人更新，请核对最新情况后再提交。',
  RATE_LIMITED: '操作过于频繁，请稍后再试。',
  BAD_USER_INPUT: '填写的内容有误：',
};

/** A refusal in words an officer can act on: the code's sentence, plus the server's own reason for bad input. */
export function problem(error: unknown): string {
  if (CombinedGraphQLErrors.is(error)) {
    const first = error.errors[0];
    const code = first?.extensions?.code as string | undefined;
    const text = code ? CODE_TEXT[code] : undefined;
    if (code === 'BAD_USER_INPUT' || code === 'INVALID_TRANSITION') return `${text}${first.message}`;
    if (text) return text;
    return `服务器未能完成：${first?.message ?? '未知错误'}`;
  }
  return '网络连接失败，请检查网络后重试。';
}
