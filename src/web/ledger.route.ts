import { once } from 'node:events';
import { PassThrough, type Writable } from 'node:stream';
import type { MikroORM } from '@mikro-orm/postgresql';
import ExcelJS from 'exceljs';
import { Router, type NextFunction, type Request, type Response } from 'express';
import { ESCALATION_LABEL, EVENT_LABEL, KIND_LABEL, PRIORITY_LABEL, STATUS_LABEL, SUPERVISION_LABEL, VISIT_LABEL } from '../shared/labels';
import type { Clock } from '../domain/access/actor';
import { maskPhone } from '../domain/access/access';
import { LEDGER_ANONYMOUS, ledgerScope, openLedger, type LedgerRow } from '../domain/stats/ledger';
import { badInput } from '../domain/errors';
import type { Cursor } from '../db/cursor';
import { fromGlobalId } from '../shared/ids';
import { logger } from '../logger';
import { bearerOfficer, dispositionName, refuse, refuseError, type BearerAuth } from './officer.auth';

/*
 * The ledger (台账): every case that happened at a unit or under it, reported in a range of months,
 * one row each with its whole trail, as CSV or XLSX. Exports stream in constant memory: rows come
 * from a server-side cursor 1,000 at a time (one batch read ahead), and no batch is written before
 * the client has taken the one before, so a city's hundred thousand cases cost no more memory than
 * a village's.
 */

const BATCH = 1000;
/**
 * The window over which a client's reading speed is judged: an export holds a pooled connection and
 * one of the few export places, so a client taking less than the minimum rate over it is cut off.
 */
const RATE_WINDOW_MS = 10_000;
/** Excel's limit on the characters of one cell; longer texts are cut there. */
const XLSX_CELL_MAX = 32_767;

function reporter(r: LedgerRow): string {
  if (r.anonymous) return LEDGER_ANONYMOUS;
  if (r.reporter_name == null) return '';
  // Phones are masked for everyone: a file leaves the platform's access rules behind.
  return r.reporter_phone ? `${r.reporter_name} ${maskPhone(r.reporter_phone)}` : r.reporter_name;
}

const COLUMNS: [header: string, width: number, value: (r: LedgerRow) => string][] = [
  ['案件编号', 17, (r) => r.number],
  ['类别', 12, (r) => KIND_LABEL[r.kind]],
  ['优先级', 7, (r) => PRIORITY_LABEL[r.priority]],
  ['状态', 9, (r) => STATUS_LABEL[r.status]],
  ['发生单位', 18, (r) => r.unit_name],
  ['单位代码', 14, (r) => r.unit_code],
  ['承办单位', 18, (r) => r.handling_name],
  ['上报时间', 17, (r) => r.reported_at],
  ['受理时限', 17, (r) => r.accept_due_at],
  ['受理时间', 17, (r) => r.accepted_at ?? ''],
  ['办结时限', 17, (r) => r.due_at],
  ['办结时间', 17, (r) => r.resolved_at ?? ''],
  ['销号时间', 17, (r) => r.closed_at ?? ''],
  ['督办等级', 9, (r) => SUPERVISION_LABEL[r.supervision_level]],
  ['越级情况', 10, (r) => ESCALATION_LABEL[r.escalation]],
  ['回访结果', 9, (r) => (r.return_visit ? VISIT_LABEL[r.return_visit] : '')],
  ['存量', 5, (r) => (r.stock ? '是' : '否')],
  ['标题', 30, (r) => r.title],
  ['内容', 50, (r) => r.description],
  ['反映人', 18, reporter],
  ['办理过程', 60, (r) => r.trail ?? ''],
];

type Pausing = Partial<Pick<Writable, 'writableNeedDrain'>> & NodeJS.EventEmitter & { _writableState?: { needDrain?: boolean } };

/** How fast the client takes the export: the bytes its connection has taken, sampled over time. */
class ReadRate {
  private readonly samples: { at: number; bytes: number }[] = [];

  constructor(
    private readonly res: Response,
    private readonly minBytesPerSecond: number,
  ) {}

  /** Notes how much the client has taken by now. */
  note(): { now: number; bytes: number } {
    const now = Date.now();
    const bytes = this.res.socket?.bytesWritten ?? 0;
    this.samples.push({ at: now, bytes });
    while (this.samples.length > 2 && now - this.samples[1].at >= RATE_WINDOW_MS) this.samples.shift();
    return { now, bytes };
  }

  /** False once the client took less than the minimum rate over the last window (never in the first). */
  keepsUp(): boolean {
    const { now, bytes } = this.note();
    const first = this.samples[0];
    if (now - first.at < RATE_WINDOW_MS) return true;
    return ((bytes - first.bytes) * 1000) / (now - first.at) >= this.minBytesPerSecond;
  }
}

/**
 * Waits until a stream that asked for a pause has drained or the client went away; a client that
 * reads slower than the minimum rate is cut off (ending the response ends the export: its 'close'
 * aborts `stop`).
 */
async function drained(stream: Pausing | undefined, stop: AbortSignal, res: Response, rate: ReadRate): Promise<void> {
  for (;;) {
    // The zip inside exceljs uses readable-stream 2, whose streams lack the writableNeedDrain getter.
    const full = stream?.writableNeedDrain ?? stream?._writableState?.needDrain ?? false;
    if (stop.aborted) return;
    // Judged only while the client holds things up: a slow database is not the client's fault.
    if (!full) {
      rate.note();
      return;
    }
    if (!rate.keepsUp()) {
      logger.warn('ledger export: the client read slower than LEDGER_MIN_RATE_KB; cut off');
      res.destroy();
      return;
    }
    try {
      await once(stream!, 'drain', { signal: AbortSignal.any([stop, AbortSignal.timeout(RATE_WINDOW_MS / 2)]) });
    } catch {
      // Not drained yet: look at the rate again.
    }
  }
}

/** CSV cell per RFC 4180, with the formula guard. */
function csvCell(value: string): string {
  // Formula injection: a spreadsheet runs a cell starting with = + - @ (or a tab or CR before one)
  // as a formula, e.g. a title "=HYPERLINK(…)" typed by a resident; a leading apostrophe keeps it text.
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

type Format = 'csv' | 'xlsx';

/**
 * GET /ledger.csv and /ledger.xlsx?unitId=&from=YYYY-MM&to=YYYY-MM — the ledger of a unit in the
 * officer's jurisdiction (default their own) for SUPERVISOR and above, months inclusive by report
 * time in Asia/Shanghai (default the current month). Bearer token as for GraphQL.
 */
export function ledgerRouter(orm: MikroORM, opts: BearerAuth & { clock: Clock; maxRunning?: number; minBytesPerSecond?: number }): Router {
  // Another exceljs must fail here, not quietly stop waiting for slow clients.
  const probe = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: new PassThrough().resume(), useStyles: false, useSharedStrings: false });
  if (!sheetInputOf(probe.addWorksheet('probe'))) throw new Error('exceljs no longer hands sheets to the zip through sheet.stream.pipes[0]: see writeXlsx');
  const router = Router();
  // Each export holds a pooled connection for its whole download: a few at a time leave the rest to GraphQL.
  const maxRunning = opts.maxRunning ?? 2;
  const minBytesPerSecond = opts.minBytesPerSecond ?? 8 * 1024;
  let running = 0;
  // One export per officer at a time: one officer cannot hold every place.
  const exporting = new Set<number>();
  const handler = (format: Format) => async (req: Request, res: Response, next: NextFunction) => {
    let cursor: Cursor<LedgerRow> | undefined;
    let counted: number | undefined;
    try {
      const em = orm.em.fork();
      const officer = await bearerOfficer(em, req, res, opts);
      if (!officer) return;
      const rawUnit = req.query.unitId;
      if (rawUnit !== undefined && typeof rawUnit !== 'string') throw badInput('unitId must be given once, as a Unit id');
      const scope = await ledgerScope(
        em,
        officer,
        { unitId: rawUnit === undefined ? undefined : fromGlobalId(rawUnit, 'Unit').id, from: req.query.from, to: req.query.to },
        opts.clock.now(),
      );
      const { unit } = scope;
      if (exporting.has(officer.id)) {
        res.set('Retry-After', '30');
        return refuse(res, 429, 'An export of yours is running already; wait for it to finish');
      }
      if (running >= maxRunning) {
        res.set('Retry-After', '30');
        return refuse(res, 503, `${running} ledger exports are running already; try again in a minute`);
      }
      running += 1;
      exporting.add(officer.id);
      counted = officer.id;
      cursor = await openLedger(em, scope, BATCH, EVENT_LABEL);
      // Opened before anything is sent: a failure so far is still a clean error answer.

      const { range } = scope;
      const name = `台账-${unit.name.replace(/[\\/:*?"<>|\x00-\x1f]/g, '_')}-${range}.${format}`;
      const ascii = `ledger-${unit.code.replace(/[^\w.-]/g, '_')}-${range.replace('至', '_')}.${format}`;
      res.set({
        'Content-Type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        'Content-Disposition': `attachment; filename="${ascii}"; filename*=UTF-8''${dispositionName(name)}`,
        // Names and case details: never kept by a cache along the way.
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
      });
      // The client going away stops the export between two batches.
      const gone = new AbortController();
      res.on('close', () => {
        if (!res.writableFinished) gone.abort();
      });
      await (format === 'csv' ? writeCsv : writeXlsx)(res, cursor, gone.signal, new ReadRate(res, minBytesPerSecond));
    } catch (err) {
      if (refuseError(res, err)) return;
      if (!res.headersSent) return next(err);
      // Half a file must not look like a whole one: the client sees the connection fail.
      logger.error({ err }, 'ledger export failed part-way');
      res.destroy();
    } finally {
      if (counted !== undefined) {
        running -= 1;
        exporting.delete(counted);
      }
      await cursor?.close();
    }
  };
  router.get('/ledger.csv', handler('csv'));
  router.get('/ledger.xlsx', handler('xlsx'));
  return router;
}

async function writeCsv(res: Response, cursor: Cursor<LedgerRow>, stop: AbortSignal, rate: ReadRate): Promise<void> {
  // The BOM makes Excel read the file as UTF-8; records end in CRLF as RFC 4180 has it.
  res.write(`\uFEFF${COLUMNS.map(([h]) => csvCell(h)).join(',')}\r\n`);
  for (;;) {
    const batch = await cursor.read();
    if (stop.aborted) return;
    let chunk = '';
    for (const r of batch) chunk += `${COLUMNS.map(([, , value]) => csvCell(value(r))).join(',')}\r\n`;
    res.write(chunk);
    if (batch.length < BATCH) break;
    await drained(res, stop, res, rate);
  }
  res.end();
}

/** The stream through which exceljs hands a sheet's XML to the zip (not public: checked at start). */
function sheetInputOf(sheet: ExcelJS.Worksheet): Pausing | undefined {
  return (sheet as unknown as { stream?: { pipes?: Pausing[] } }).stream?.pipes?.[0];
}

async function writeXlsx(res: Response, cursor: Cursor<LedgerRow>, stop: AbortSignal, rate: ReadRate): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: res, useStyles: false, useSharedStrings: false });
  const sheet = workbook.addWorksheet('台账', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = COLUMNS.map(([header, width]) => ({ header, width }));
  sheet.getRow(1).commit();
  // exceljs hands the sheet's XML to the zip through a buffer that ignores backpressure: wait on that
  // buffer (the zip's input for this sheet) as well as on the response, or a slow client would let
  // the whole export pile up in memory.
  const sheetInput = sheetInputOf(sheet);
  // Cells are typed strings in XLSX, never formulas, so they need no formula guard.
  const cell = (v: string) => (v === '' ? null : v.length > XLSX_CELL_MAX ? `${v.slice(0, XLSX_CELL_MAX - 1)}…` : v);
  for (;;) {
    const batch = await cursor.read();
    if (stop.aborted) return;
    for (const r of batch) sheet.addRow(COLUMNS.map(([, , value]) => cell(value(r)))).commit();
    if (batch.length < BATCH) break;
    await drained(sheetInput, stop, res, rate);
    await drained(res, stop, res, rate);
  }
  // Every row is in: the connection can go back before the zip is finished.
  await cursor.close();
  sheet.commit();
  // Resolves when the response has finished, or never if the client leaves first: race the two.
  if (stop.aborted) return;
  const left = new Promise<void>((resolve) => stop.addEventListener('abort', () => resolve(), { once: true }));
  await Promise.race([workbook.commit(), left]);
}
