import type { EntityManager } from '@mikro-orm/postgresql';
import { CaseKind, ReturnVisitResult, Unit, type Attachment, type Case, type Resident } from '../src/entities';
import { placeStem, searchPlaces, searchTownships } from '../src/domain/registry/place-search';
import { bindChatContact, officerForContact, officerTodo } from '../src/domain/registry/officer-chat.service';
import { reportPriority } from '../src/domain/cases/report-priority';
import { myCaseByNumber, myCases, pendingReturnVisits, reportAsResident, residentReturnVisit } from '../src/domain/registry/resident.service';
import type { Limit } from '../src/domain/time/sla';
import { IDLE, type DialogState, type Draft } from './dialog';
import { clip, KIND_MENU, type CaseSummary, type Messages, type Urgency } from './messages';
import { linkUploads } from './upload.store';
import { localMonthDay, localTime } from '../src/domain/time/local-time';

/** One incoming message in context. */
export interface Turn {
  em: EntityManager;
  resident: Resident;
  text: string;
  photo?: Attachment;
  now: Date;
  m: Messages;
  maxPhotos: number;
}

export interface Outcome {
  replies: string[];
  state: DialogState;
}

type Handler<S extends DialogState['step']> = (t: Turn, state: Extract<DialogState, { step: S }>) => Promise<Outcome>;

const is = (text: string, ...words: string[]) => words.includes(text.toLowerCase());
const CANCEL = ['取消', '退出', '0', 'cancel'];
const BACK = ['返回', '上一步', 'back'];
const MENU = ['你好', '您好', '帮助', '菜单', 'hi', 'hello', 'help', 'menu', '?', '？'];
const REPORT = ['反映', '反映问题', '举报', '投诉', '报告', '1 反映'];
const YES = ['1', '是', '是的', '好', '好的', '确认', '提交', 'y', 'yes'];
/** At the confirm step: submit marked urgent. */
const URGENT_YES = ['2', '紧急', '紧急提交', '加急', '按紧急提交'];
const ANONYMOUS = ['匿名', '不留', '跳过', '不用', '否'];
const MOBILE = /^1[3-9]\d{9}$/;
const CASE_NUMBER = /^SL\d{8,}$/i;

function summary(c: { number: string; title: string; status: CaseSummary['status']; reportedAt: Date; dueAt: Date }, handlingUnit: string): CaseSummary {
  return { number: c.number, title: c.title, status: c.status, reportedAt: c.reportedAt, dueAt: c.dueAt, handlingUnit };
}

async function unitNames(em: EntityManager, ids: number[]): Promise<Map<number, string>> {
  const units = ids.length ? await em.find(Unit, { id: { $in: [...new Set(ids)] } }) : [];
  return new Map(units.map((u) => [u.id, u.name]));
}

/** Commands that work at any step: menu, 查询 <编号>, 我的. Undefined when the text is none of them. */
async function globalCommand(t: Turn, state: DialogState): Promise<Outcome | undefined> {
  const { m, text, em } = t;
  if (!text) return undefined;
  // t.resident is read only by the commands that need it (it is made on first use).
  const resident = () => t.resident;
  if (is(text, ...MENU)) return { replies: [m.menu(resident().displayName)], state: IDLE };
  const query = /^(查询|查|进度)\s*(\S*)$/.exec(text);
  if (query || CASE_NUMBER.test(text)) {
    const number = (query ? query[2] : text).toUpperCase();
    if (!number) return { replies: [m.queryUsage()], state };
    const c = CASE_NUMBER.test(number) ? await myCaseByNumber(em, resident().id, number) : undefined;
    if (!c) return { replies: [m.queryNotFound(clip(number, 30))], state };
    const names = await unitNames(em, [c.handlingUnit.id]);
    return { replies: [m.caseStatus(summary(c, names.get(c.handlingUnit.id) ?? ''))], state };
  }
  const bind = /^绑定\s*([A-Za-z0-9]{4,16})$/.exec(text);
  if (bind) {
    const officer = await bindChatContact(em, resident().channel, resident().externalId, bind[1], t.now);
    if (!officer) return { replies: [m.bindFailed()], state };
    const unit = await em.findOneOrFail(Unit, { id: officer.unit.id });
    return { replies: [m.bound(officer.name, unit.name)], state: IDLE };
  }
  if (is(text, '待办', '我的待办')) {
    const officer = await officerForContact(em, resident().channel, resident().externalId);
    if (!officer) return { replies: [m.todoNotOfficer()], state };
    const cases = await officerTodo(em, officer);
    if (!cases.length) return { replies: [m.todoEmpty()], state };
    const names = await unitNames(
      em,
      cases.map((c) => c.handlingUnit.id),
    );
    return { replies: [m.todo(cases.map((c) => summary(c, names.get(c.handlingUnit.id) ?? '')))], state };
  }
  if (is(text, '我的', '我的问题', '我的案件')) {
    const cases = await myCases(em, resident().id);
    if (!cases.length) return { replies: [m.noCases()], state };
    const names = await unitNames(
      em,
      cases.map((c) => c.handlingUnit.id),
    );
    return { replies: [m.myCases(cases.map((c) => summary(c, names.get(c.handlingUnit.id) ?? '')))], state };
  }
  return undefined;
}

const VISIT: Record<string, ReturnVisitResult> = {
  '1': ReturnVisitResult.SATISFIED,
  满意: ReturnVisitResult.SATISFIED,
  '2': ReturnVisitResult.BASICALLY_SATISFIED,
  基本满意: ReturnVisitResult.BASICALLY_SATISFIED,
  '3': ReturnVisitResult.DISSATISFIED,
  不满意: ReturnVisitResult.DISSATISFIED,
};

/** A return-visit answer naming its case: `SL202611230001 1`, `SL202611230001 满意`. */
const VISIT_FOR = /^(SL\d{8,})\s*[,，:：、]?\s*(1|2|3|满意|基本满意|不满意)$/i;

const visitOptions = (cases: Case[]) => cases.map((c) => ({ id: c.id, number: c.number, title: c.title }));

/** Records the answer for one pending case, and tells what else still waits for one. */
async function answerVisit(t: Turn, c: Case, result: ReturnVisitResult, pending: Case[]): Promise<Outcome> {
  const done = await residentReturnVisit(t.em, t.resident.id, c.id, result, t.now);
  const rest = pending.filter((p) => p.id !== c.id);
  const replies = [t.m.visitThanks(done.number, result !== ReturnVisitResult.DISSATISFIED)];
  if (rest.length) replies.push(t.m.visitRemaining(visitOptions(rest)));
  return { replies, state: IDLE };
}

/**
 * A return-visit answer (`1`/`2`/`3`, or one naming its case). With one case waiting it answers
 * that one; with several a bare answer never picks one: the bot lists them and asks which.
 * Undefined when the text is no such answer, or a bare one while nothing waits.
 */
async function returnVisit(t: Turn): Promise<Outcome | undefined> {
  const named = VISIT_FOR.exec(t.text);
  const result = named ? VISIT[named[2]] : VISIT[t.text];
  if (!result) return undefined;
  const pending = await pendingReturnVisits(t.em, t.resident.id);
  if (named) {
    const c = pending.find((p) => p.number === named[1].toUpperCase());
    return c ? answerVisit(t, c, result, pending) : { replies: [t.m.visitNotPending(clip(named[1].toUpperCase(), 30))], state: IDLE };
  }
  if (!pending.length) return undefined;
  if (pending.length === 1) return answerVisit(t, pending[0], result, pending);
  const options = visitOptions(pending);
  return { replies: [t.m.visitChoice(t.m.visitLabel(result), options)], state: { step: 'visitChoice', result, options } };
}

/** What the report will be filed as, for the confirm step to show. */
function urgencyOf(d: Draft, markedUrgent: boolean): Urgency {
  return reportPriority(d.kind!, d.description!, markedUrgent);
}

function addPhoto(t: Turn, draft: Draft): string | undefined {
  if (!t.photo) return undefined;
  if (draft.photos.length >= t.maxPhotos) return t.m.photoLimit(t.maxPhotos);
  draft.photos.push(t.photo);
  return t.m.photoSaved(draft.photos.length);
}

function describeLimit(limit: Limit, due: Date): string {
  const unit = { MINUTES: '分钟', HOURS: '小时', DAYS: '天', WORKING_DAYS: '个工作日' }[limit.unit];
  const { month, day } = localMonthDay(due);
  const when = `${month}月${day}日${localTime(due)}`;
  return `${limit.amount}${unit}内（${when}前）`;
}

/**
 * What every report step does first: global commands, 取消, 返回 (to `back`), and a photo (kept,
 * then the step's question again via `ask`). Undefined when the message is for the step itself.
 */
async function prologue(t: Turn, state: DialogState & { draft: Draft }, back: () => Outcome, ask: () => string[]): Promise<Outcome | undefined> {
  const global = await globalCommand(t, state);
  if (global) return global;
  if (is(t.text, ...CANCEL)) return { replies: [t.m.cancelled()], state: IDLE };
  if (is(t.text, ...BACK)) return back();
  const saved = addPhoto(t, state.draft);
  if (saved) return { replies: [saved, ...ask()], state };
  return undefined;
}

const cancelled = (t: Turn): Outcome => ({ replies: [t.m.cancelled()], state: IDLE });
const toPlace = (t: Turn, draft: Draft): Outcome => ({ replies: [t.m.placeQuestion()], state: { step: 'place', draft } });

const startReport = (t: Turn, draft: Draft): Outcome => ({ replies: [t.m.kindQuestion()], state: { step: 'kind', draft } });

/** After the place: describe, unless the free text that started the report already did. */
function afterPlace(t: Turn, draft: Draft, chosen: string): Outcome {
  if (draft.description) return { replies: [`地点：${chosen}`, t.m.phoneQuestion()], state: { step: 'phone', draft } };
  return { replies: [`地点：${chosen}`, t.m.descriptionQuestion()], state: { step: 'description', draft } };
}

async function choosePlaces(t: Turn, draft: Draft, within?: Unit): Promise<Outcome> {
  const found = await searchPlaces(t.em, t.text, { within });
  if (!found.length) return { replies: [t.m.placeNotFound(clip(t.text, 30))], state: { step: 'township', draft } };
  // One place named exactly so (ignoring 村/社区) wins; namesakes in several townships are listed.
  const exact = found.filter((x) => placeStem(x.unit.name) === placeStem(t.text));
  const matches = exact.length === 1 ? exact : found;
  if (matches.length === 1) {
    const [{ unit, township }] = matches;
    draft.unitId = unit.id;
    draft.place = township ? `${unit.name}（${township}）` : unit.name;
    return afterPlace(t, draft, draft.place);
  }
  const options = matches.map((x) => ({ id: x.unit.id, name: x.unit.name, township: x.township }));
  return { replies: [t.m.placeChoices(options)], state: { step: 'placeChoice', draft, options } };
}

export const handlers: { [S in DialogState['step']]: Handler<S> } = {
  async idle(t, state) {
    const global = await globalCommand(t, state);
    if (global) return global;
    const { m, text } = t;
    const visit = text ? await returnVisit(t) : undefined;
    if (visit) return visit;
    if (is(text, ...REPORT)) return startReport(t, { photos: [] });
    const draft: Draft = { photos: [] };
    if (t.photo) {
      addPhoto(t, draft);
      return { replies: [m.photoSaved(1), m.offerReport('照片中的情况')], state: { step: 'offer', draft } };
    }
    // Free text: offer to report it (a few characters or a stray number get the menu).
    if (text.length >= 5 && !/^\d+$/.test(text)) {
      draft.description = text;
      const words = reportPriority(CaseKind.OTHER, text, false);
      const danger = words.urgentWord || words.dangerWord ? [m.callNow()] : [];
      return { replies: [...danger, m.offerReport(text)], state: { step: 'offer', draft } };
    }
    return { replies: [m.menu(t.resident.displayName)], state: IDLE };
  },

  async offer(t, state) {
    if (is(t.text, ...YES)) return startReport(t, state.draft);
    if (is(t.text, ...CANCEL, '不', '不是', '不用了')) return cancelled(t);
    return handlers.idle(t, IDLE as never);
  },

  async kind(t, state) {
    const early = await prologue(
      t,
      state,
      () => cancelled(t),
      () => [t.m.kindQuestion()],
    );
    if (early) return early;
    const n = Number(t.text);
    if (!Number.isInteger(n) || n < 1 || n > KIND_MENU.length) return { replies: [t.m.kindInvalid()], state };
    state.draft.kind = KIND_MENU[n - 1];
    return { replies: [`类型：${t.m.kindLabel(state.draft.kind)}`, t.m.placeQuestion()], state: { step: 'place', draft: state.draft } };
  },

  async place(t, state) {
    const early = await prologue(
      t,
      state,
      () => startReport(t, state.draft),
      () => [t.m.placeQuestion()],
    );
    if (early) return early;
    const within = state.draft.townshipId ? ((await t.em.findOne(Unit, { id: state.draft.townshipId })) ?? undefined) : undefined;
    return choosePlaces(t, state.draft, within);
  },

  async placeChoice(t, state) {
    const early = await prologue(
      t,
      state,
      () => toPlace(t, state.draft),
      () => [t.m.placeChoices(state.options)],
    );
    if (early) return early;
    const n = Number(t.text);
    if (/^\d+$/.test(t.text)) {
      if (!Number.isInteger(n) || n < 1 || n > state.options.length) return { replies: [t.m.placeChoiceInvalid(state.options.length)], state };
      const o = state.options[n - 1];
      state.draft.unitId = o.id;
      state.draft.place = o.township ? `${o.name}（${o.township}）` : o.name;
      return afterPlace(t, state.draft, state.draft.place);
    }
    return choosePlaces(t, state.draft);
  },

  async township(t, state) {
    const early = await prologue(
      t,
      state,
      () => toPlace(t, state.draft),
      () => [t.m.townshipQuestion()],
    );
    if (early) return early;
    const townships = await searchTownships(t.em, t.text);
    if (!townships.length) return { replies: [t.m.townshipNotFound(clip(t.text, 30))], state };
    if (townships.length > 1) return { replies: [t.m.townshipAmbiguous(townships.map((u) => u.name))], state };
    state.draft.townshipId = townships[0].id;
    return { replies: [t.m.townshipChoices(townships.map((u) => u.name))], state: { step: 'place', draft: state.draft } };
  },

  async description(t, state) {
    const early = await prologue(
      t,
      state,
      () => toPlace(t, state.draft),
      () => [],
    );
    if (early) return early;
    if (t.text.length < 5) return { replies: [t.m.descriptionTooShort()], state };
    state.draft.description = t.text;
    return { replies: [t.m.phoneQuestion()], state: { step: 'phone', draft: state.draft } };
  },

  async phone(t, state) {
    const back = (): Outcome => ({ replies: [t.m.descriptionQuestion()], state: { step: 'description', draft: { ...state.draft, description: undefined } } });
    const early = await prologue(t, state, back, () => [t.m.phoneQuestion()]);
    if (early) return early;
    const digits = t.text.replace(/[\s-]/g, '');
    if (is(t.text, ...ANONYMOUS)) {
      state.draft.anonymous = true;
      state.draft.phone = null;
    } else if (MOBILE.test(digits)) {
      state.draft.anonymous = false;
      state.draft.phone = digits;
    } else return { replies: [t.m.phoneInvalid()], state };
    const d = state.draft;
    return {
      replies: [
        t.m.confirm({
          kind: d.kind!,
          place: d.place!,
          description: d.description!,
          photos: d.photos.length,
          phone: d.phone ?? null,
          anonymous: Boolean(d.anonymous),
          urgency: urgencyOf(d, false),
        }),
      ],
      state: { step: 'confirm', draft: d },
    };
  },

  async confirm(t, state) {
    const d = state.draft;
    const invalid = () => [t.m.confirmInvalid(urgencyOf(d, false).urgent)];
    const early = await prologue(t, state, () => ({ replies: [t.m.phoneQuestion()], state: { step: 'phone', draft: d } }), invalid);
    if (early) return early;
    // 1 files it as shown; 2 marks it urgent (the priority rule then decides between URGENT and EMERGENCY).
    const urgent = is(t.text, ...URGENT_YES);
    if (!urgent && !is(t.text, ...YES)) return { replies: invalid(), state };
    const {
      case: c,
      handlingUnit,
      policy,
    } = await reportAsResident(
      t.em,
      t.resident,
      {
        kind: d.kind!,
        unitId: d.unitId!,
        description: d.description!,
        phone: d.phone,
        anonymous: Boolean(d.anonymous),
        attachments: d.photos,
        urgent,
      },
      t.now,
    );
    await linkUploads(
      t.em,
      d.photos.map((p) => p.id),
      c.id,
    );
    return {
      replies: [
        t.m.submitted({
          number: c.number,
          handlingUnit: handlingUnit.name,
          acceptBy: describeLimit(policy.accept, c.acceptDueAt),
          resolveBy: describeLimit(policy.resolve, c.dueAt),
          priority: c.priority,
        }),
      ],
      state: IDLE,
    };
  },

  async visitChoice(t, state) {
    const { m, text } = t;
    if (is(text, ...CANCEL)) return { replies: [m.visitLater()], state: IDLE };
    // A bare case number answers the question here (elsewhere it asks for the case's status).
    let option = CASE_NUMBER.test(text) ? state.options.find((o) => o.number === text.toUpperCase()) : undefined;
    if (!option) {
      const global = await globalCommand(t, state);
      if (global) return global;
      if (VISIT_FOR.test(text)) return (await returnVisit(t))!;
      if (/^\d+$/.test(text)) {
        const n = Number(text);
        if (n < 1 || n > state.options.length) return { replies: [m.visitChoiceInvalid(state.options.length, state.options[0].number)], state };
        option = state.options[n - 1];
      }
    }
    // Anything else (a photo, a new report) is handled as if no question were pending.
    if (!option) return handlers.idle(t, IDLE as never);
    // Still waiting? A supervisor may have closed it since the list was shown.
    const pending = await pendingReturnVisits(t.em, t.resident.id);
    const c = pending.find((p) => p.id === option.id);
    if (!c) return { replies: [m.visitNotPending(option.number)], state: IDLE };
    return answerVisit(t, c, state.result, pending);
  },
};
