/* Minimal leveled logger: one line per event, to stderr, so stdout stays free for CLI output. */
type Level = 'debug' | 'info' | 'warn' | 'error';
const order: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const threshold = order[(process.env.LOG_LEVEL as Level) ?? (process.env.NODE_ENV === 'test' ? 'warn' : 'info')] ?? 20;

function write(level: Level, args: unknown[]): void {
  if (order[level] < threshold) return;
  console.error(new Date().toISOString(), level.toUpperCase(), ...args);
}

export const logger = {
  debug: (...args: unknown[]) => write('debug', args),
  info: (...args: unknown[]) => write('info', args),
  warn: (...args: unknown[]) => write('warn', args),
  error: (...args: unknown[]) => write('error', args),
};
