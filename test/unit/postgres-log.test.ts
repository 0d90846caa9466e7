import { logger, redirectLogs } from '../../src/logger';
import { PostgresLog, postgresLogFlags } from '../../src/embedded/postgres-log';

/* The embedded PostgreSQL's output becomes log entries: what matters at warn, the rest at debug. */

type Entry = { level: string; component: string; severity?: string; event?: string; pgPid?: number; msg: string };

function logOf(chunks: string[]): Entry[] {
  const entries: Entry[] = [];
  redirectLogs((line) => entries.push(JSON.parse(line) as Entry));
  const previous = logger.level;
  logger.level = 'debug';
  try {
    const log = new PostgresLog();
    for (const c of chunks) log.push(c);
  } finally {
    logger.level = previous;
    redirectLogs();
  }
  return entries;
}

it('logs slow statements, lock waits and deadlocks at warn, with their details, and routine lines at debug', () => {
  const entries = logOf([
    '[101] LOG:  database system is ready to accept connections\n[102] LOG:  duration: 1203.5 ms  execute <unnamed>: select * from cases where ',
    'unit_id = $1\n[103] LOG:  process 103 still waiting for ShareLock on transaction 7 after 1000.1 ms\n[103] DETAIL:  Process holding the lock: 104. Wait queue: 103.\n',
    '[104] ERROR:  deadlock detected\n[104] DETAIL:  Process 104 waits for ShareLock on transaction 8; blocked by process 103.\n[105] LOG:  checkpoint complete\n[106] PANIC:  could not write to file\n',
  ]);
  expect(entries.map((e) => [e.level, e.severity, e.event ?? null])).toEqual([
    ['debug', 'LOG', null],
    ['warn', 'LOG', 'slow-statement'],
    ['warn', 'LOG', 'lock-wait'],
    ['warn', 'DETAIL', 'lock-wait'],
    ['warn', 'ERROR', 'deadlock'],
    ['warn', 'DETAIL', 'deadlock'],
    ['debug', 'LOG', null],
    ['error', 'PANIC', null],
  ]);
  // A line split across chunks is one entry.
  expect(entries[1].msg).toBe('duration: 1203.5 ms  execute <unnamed>: select * from cases where unit_id = $1');
  expect(entries.every((e) => e.component === 'postgres')).toBe(true);
  expect(entries[2].pgPid).toBe(103);
});

it('asks the server for slow statements and lock waits, never for bind parameters', () => {
  const flags = postgresLogFlags(500).join(' ');
  expect(flags).toContain('log_min_duration_statement=500');
  expect(flags).toContain('log_lock_waits=on');
  expect(flags).toContain('log_parameter_max_length=0');
  expect(postgresLogFlags(0).join(' ')).toContain('log_min_duration_statement=-1');
});
