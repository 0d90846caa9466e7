import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseCalendarCsv, WorkCalendar } from '../../src/domain/time/calendar';

/** The official 2026 calendar (holidays and make-up workdays) shipped in data/, as tests use it. */
export function calendar2026(): WorkCalendar {
  return new WorkCalendar(parseCalendarCsv(readFileSync(path.join(__dirname, '../../data/cn-holidays-2026.csv'), 'utf8')));
}
