import { logger } from '../logger';

/*
 * The embedded PostgreSQL's own log, through the product's logger (so it lands wherever the
 * process's log goes, with its rotation): slow statements, lock waits, errors and warnings at warn
 * level, the rest (start-up, checkpoints) at debug. Without this a deadlock or a slow statement left
 * no trace.
 */

/** Server settings for the embedded PostgreSQL's log; slowMs 0 turns the slow-statement log off. */
export function postgresLogFlags(slowMs: number): string[] {
  return [
    // The logger adds the time; the PID tells sessions apart.
    ['log_line_prefix', '[%p] '],
    ['log_min_duration_statement', String(slowMs > 0 ? slowMs : -1)],
    ['log_lock_waits', 'on'],
    // A slow statement's bind parameters may be a phone number or a name: never logged.
    ['log_parameter_max_length', '0'],
    ['log_parameter_max_length_on_error', '0'],
  ].flatMap(([k, v]) => ['-c', `${k}=${v}`]);
}

const LINE = /^(?:\[STDERR\]\s*)?\[(\d+)\] (LOG|WARNING|ERROR|FATAL|PANIC|NOTICE|INFO|DETAIL|HINT|STATEMENT|CONTEXT|QUERY):\s+(.*)$/;
type Level = 'debug' | 'warn' | 'error';

/** What a line is about, for a log system to select on. */
function kindOf(severity: string, text: string): { level: Level; event?: string } {
  if (severity === 'LOG') {
    if (/^duration: /.test(text)) return { level: 'warn', event: 'slow-statement' };
    if (/ (still waiting for|acquired) \w+Lock /.test(text)) return { level: 'warn', event: 'lock-wait' };
    return { level: 'debug' };
  }
  if (severity === 'PANIC') return { level: 'error' };
  if (/^deadlock detected/.test(text)) return { level: 'warn', event: 'deadlock' };
  if (['WARNING', 'ERROR', 'FATAL'].includes(severity)) return { level: 'warn' };
  return { level: 'debug' };
}

/** Turns the server's output (chunks, not always whole lines) into log entries. */
export class PostgresLog {
  private partial = '';
  private last: { level: Level; event?: string } = { level: 'debug' };

  push(chunk: string): void {
    const lines = (this.partial + chunk).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) this.line(line.trimEnd());
  }

  private line(line: string): void {
    if (!line.trim()) return;
    const m = LINE.exec(line);
    if (!m) {
      // A continuation (a long statement's next line) goes with what it continues.
      logger[this.last.level]({ component: 'postgres' }, line.trim());
      return;
    }
    const [, pid, severity, text] = m;
    // DETAIL, HINT, STATEMENT and the like belong to the line before them.
    if (!['DETAIL', 'HINT', 'STATEMENT', 'CONTEXT', 'QUERY'].includes(severity)) this.last = kindOf(severity, text);
    const { level, event } = this.last;
    logger[level]({ component: 'postgres', pgPid: Number(pid), severity, ...(event ? { event } : {}) }, text);
  }
}
