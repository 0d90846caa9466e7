import { useState, type FormEvent, type ReactNode } from 'react';
import { useApolloClient, useMutation, useQuery } from '@apollo/client/react';
import { graphql } from '../gql';
import type { CaseAction, CaseDetailFragment, CaseStepType, Escalation, ReturnVisitResult, SupervisionLevel } from '../gql/graphql';
import { ESCALATION_LABEL, EVENT_LABEL, STATUS_LABEL, SUPERVISION_LABEL, VISIT_LABEL } from '../../shared/labels';
import { errorCode, problem } from '../format';
import { token } from '../session';

/*
 * The actions the server says this officer may take on this case now (Case.availableActions): the
 * workbench keeps no copy of the workflow, it shows what it is given. Each action is a small form;
 * what was typed stays when the server refuses, and a VERSION_CONFLICT (someone else changed the
 * case meanwhile) shows the case as it is now, so the officer checks it and sends again.
 */

const ACCEPT = graphql(`
  mutation AcceptCase($input: AcceptCaseInput!) {
    acceptCase(input: $input) {
      case {
        ...CaseDetail
      }
    }
  }
`);
const REJECT = graphql(`
  mutation RejectCase($input: RejectCaseInput!) {
    rejectCase(input: $input) {
      case {
        ...CaseDetail
      }
    }
  }
`);
const ASSIGN = graphql(`
  mutation AssignCase($input: AssignCaseInput!) {
    assignCase(input: $input) {
      case {
        ...CaseDetail
      }
    }
  }
`);
const START = graphql(`
  mutation StartCase($input: StartCaseInput!) {
    startCase(input: $input) {
      case {
        ...CaseDetail
      }
    }
  }
`);
const RESOLVE = graphql(`
  mutation ResolveCase($input: ResolveCaseInput!) {
    resolveCase(input: $input) {
      case {
        ...CaseDetail
      }
    }
  }
`);
const CLOSE = graphql(`
  mutation CloseCase($input: CloseCaseInput!) {
    closeCase(input: $input) {
      case {
        ...CaseDetail
      }
    }
  }
`);
const REOPEN = graphql(`
  mutation ReopenCase($input: ReopenCaseInput!) {
    reopenCase(input: $input) {
      case {
        ...CaseDetail
      }
    }
  }
`);
const ESCALATE = graphql(`
  mutation EscalateCase($input: EscalateCaseInput!) {
    escalateCase(input: $input) {
      case {
        ...CaseDetail
      }
    }
  }
`);
const SUPERVISE = graphql(`
  mutation SuperviseCase($input: SuperviseCaseInput!) {
    superviseCase(input: $input) {
      case {
        ...CaseDetail
      }
    }
  }
`);
const EXTEND = graphql(`
  mutation ExtendDeadline($input: ExtendDeadlineInput!) {
    extendDeadline(input: $input) {
      case {
        ...CaseDetail
      }
    }
  }
`);
const MERGE = graphql(`
  mutation MergeCase($input: MergeCaseInput!) {
    mergeCase(input: $input) {
      case {
        ...CaseDetail
      }
    }
  }
`);
const NOTE = graphql(`
  mutation AddCaseNote($input: AddCaseNoteInput!) {
    addCaseNote(input: $input) {
      case {
        ...CaseDetail
      }
    }
  }
`);
const RETURN_VISIT = graphql(`
  mutation RecordReturnVisit($input: RecordReturnVisitInput!) {
    recordReturnVisit(input: $input) {
      case {
        ...CaseDetail
      }
    }
  }
`);

const CASE_BY_NUMBER = graphql(`
  query CaseByNumber($number: String!) {
    case(number: $number) {
      id
      number
      title
    }
  }
`);

const ASSIGNABLE = graphql(`
  query Assignable($unitId: ID!) {
    unit(id: $unitId) {
      id
      name
      children(first: 100) {
        id
        name
      }
    }
  }
`);

const UNIT_OFFICERS = graphql(`
  query UnitOfficers($unitId: ID!) {
    unit(id: $unitId) {
      id
      officers(first: 50) {
        id
        name
        role
      }
    }
  }
`);

/** An action is named like the trail entry it makes, but for merging (the entry names the other side) and notes (any step). */
const ACTION_LABEL: Record<CaseAction, string> = {
  ...(Object.fromEntries(
    (['ACCEPT', 'REJECT', 'ASSIGN', 'START', 'RESOLVE', 'CLOSE', 'REOPEN', 'ESCALATE', 'SUPERVISE', 'EXTEND_DEADLINE', 'RETURN_VISIT'] as const).map((a) => [
      a,
      EVENT_LABEL[a],
    ]),
  ) as Record<Exclude<CaseAction, 'MERGE' | 'NOTE'>, string>),
  MERGE: '合并重复件',
  NOTE: '记录',
};

const STEP_TYPES: CaseStepType[] = ['NOTE', 'REVIEW', 'COLLECTIVE_ANALYSIS', 'MEDIATION', 'HEARING', 'LAWYER', 'JUDICIAL_AID'];

/** What the officer typed, per action; kept across refusals and refreshes of the case. */
interface Draft {
  text: string;
  choice: string;
  other: string;
  moveUp: boolean;
  photos: File[];
}
const EMPTY: Draft = { text: '', choice: '', other: '', moveUp: true, photos: [] };

/** A refusal the workbench words itself (a photo upload, a case number that finds nothing). */
class Refusal extends Error {}

/** POSTs a photo from the phone to the case (the server records it on the trail); answers the case's new version. */
async function uploadPhoto(caseId: string, photo: File): Promise<number> {
  const res = await fetch(`/cases/${encodeURIComponent(caseId)}/photos`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token()}`, 'content-type': photo.type || 'application/octet-stream' },
    body: photo,
  });
  const body = (await res.json().catch(() => ({}))) as { version?: number; error?: string };
  if (!res.ok || typeof body.version !== 'number') {
    throw new Refusal(
      res.status === 413
        ? `照片“${photo.name}”太大。`
        : res.status === 415
          ? `“${photo.name}”不是照片（JPEG、PNG 或 WebP）。`
          : `照片“${photo.name}”上传失败。`,
    );
  }
  return body.version;
}

export function Actions({ c, onChanged }: { c: CaseDetailFragment; onChanged: () => void }) {
  const [open, setOpen] = useState<CaseAction | null>(null);
  const [drafts, setDrafts] = useState<Partial<Record<CaseAction, Draft>>>({});
  const [message, setMessage] = useState<{ kind: 'error' | 'conflict' | 'done'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const client = useApolloClient();
  const mutations = {
    ACCEPT: useMutation(ACCEPT)[0],
    REJECT: useMutation(REJECT)[0],
    ASSIGN: useMutation(ASSIGN)[0],
    START: useMutation(START)[0],
    RESOLVE: useMutation(RESOLVE)[0],
    CLOSE: useMutation(CLOSE)[0],
    REOPEN: useMutation(REOPEN)[0],
    ESCALATE: useMutation(ESCALATE)[0],
    SUPERVISE: useMutation(SUPERVISE)[0],
    EXTEND_DEADLINE: useMutation(EXTEND)[0],
    MERGE: useMutation(MERGE)[0],
    NOTE: useMutation(NOTE)[0],
    RETURN_VISIT: useMutation(RETURN_VISIT)[0],
  };

  const draft = (open && drafts[open]) || EMPTY;
  const edit = (patch: Partial<Draft>) => open && setDrafts((d) => ({ ...d, [open]: { ...(d[open] ?? EMPTY), ...patch } }));

  /** Sends the action with the case's current version; throws what the server refused. */
  const send = async (action: CaseAction, d: Draft): Promise<void> => {
    const base = { id: c.id, version: c.version };
    const text = d.text.trim();
    switch (action) {
      case 'ACCEPT':
        await mutations.ACCEPT({ variables: { input: { ...base, note: text || null } } });
        return;
      case 'START':
        await mutations.START({ variables: { input: { ...base, note: text || null } } });
        return;
      case 'REJECT':
        await mutations.REJECT({ variables: { input: { ...base, reason: text } } });
        return;
      case 'ASSIGN':
        await mutations.ASSIGN({ variables: { input: { ...base, unitId: d.choice || null, assigneeId: d.other || null, note: text || null } } });
        return;
      case 'RESOLVE': {
        let version = c.version;
        for (const photo of d.photos) version = await uploadPhoto(c.id, photo);
        if (d.photos.length) edit({ photos: [] });
        await mutations.RESOLVE({ variables: { input: { id: c.id, version, note: text } } });
        return;
      }
      case 'CLOSE':
        await mutations.CLOSE({ variables: { input: { ...base, note: text } } });
        return;
      case 'REOPEN':
        await mutations.REOPEN({ variables: { input: { ...base, reason: text } } });
        return;
      case 'ESCALATE':
        await mutations.ESCALATE({
          variables: { input: { ...base, reason: text, escalation: (d.choice || 'REQUIRES_HIGHER_AUTHORITY') as Escalation, moveUp: d.moveUp } },
        });
        return;
      case 'SUPERVISE':
        await mutations.SUPERVISE({ variables: { input: { ...base, level: (d.choice || 'SUPERVISED') as SupervisionLevel, note: text || null } } });
        return;
      case 'EXTEND_DEADLINE':
        await mutations.EXTEND_DEADLINE({ variables: { input: { ...base, reason: text } } });
        return;
      case 'MERGE': {
        const number = d.other.trim().toUpperCase();
        const found = await client.query({ query: CASE_BY_NUMBER, variables: { number }, fetchPolicy: 'network-only' });
        const into = found.data?.case;
        if (!into) throw new Refusal(`没有找到案件 ${number}，或它不在您的辖区内。`);
        await mutations.MERGE({ variables: { input: { ...base, intoId: into.id, note: text || null } } });
        return;
      }
      case 'NOTE': {
        const type = (d.choice || 'NOTE') as CaseStepType;
        await mutations.NOTE({ variables: { input: { ...base, note: text, type, amount: type === 'JUDICIAL_AID' ? Number(d.other) : null } } });
        return;
      }
      case 'RETURN_VISIT':
        await mutations.RETURN_VISIT({ variables: { input: { ...base, result: (d.choice || 'SATISFIED') as ReturnVisitResult, note: text || null } } });
        return;
    }
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!open) return;
    const missing = requiredMissing(open, draft);
    if (missing) return setMessage({ kind: 'error', text: missing });
    setBusy(true);
    setMessage(null);
    try {
      await send(open, draft);
      setDrafts((d) => ({ ...d, [open]: undefined }));
      setMessage({ kind: 'done', text: `已${ACTION_LABEL[open]}。` });
      setOpen(null);
      onChanged();
    } catch (err) {
      if (errorCode(err) === 'VERSION_CONFLICT') {
        // The case as it is now is read again; what was typed stays in the form, to be sent again.
        onChanged();
        setMessage({ kind: 'conflict', text: '案件刚被他人更新（见上方最新状态和下方办理过程），请核对后再次提交，已填写的内容已保留。' });
      } else setMessage({ kind: 'error', text: err instanceof Refusal ? err.message : problem(err) });
    } finally {
      setBusy(false);
    }
  };

  const actions = c.availableActions;
  return (
    <section className="actions" aria-labelledby="actions-title">
      <h2 id="actions-title">办理</h2>
      {message && (
        <p className={message.kind === 'done' ? 'ok' : message.kind === 'conflict' ? 'notice' : 'error'} role={message.kind === 'done' ? 'status' : 'alert'}>
          {message.text}
          {message.kind === 'conflict' && ` 当前状态：${STATUS_LABEL[c.status]}。`}
        </p>
      )}
      {actions.length === 0 ? (
        <p className="muted">您对这个案件现在没有可办理的操作。</p>
      ) : (
        <div className="action-buttons">
          {actions.map((a) => (
            <button
              key={a}
              type="button"
              aria-expanded={open === a}
              className={open === a ? 'selected' : ''}
              onClick={() => {
                setOpen(open === a ? null : a);
                if (message?.kind !== 'conflict') setMessage(null);
              }}
            >
              {ACTION_LABEL[a]}
            </button>
          ))}
        </div>
      )}
      {message?.kind === 'conflict' && open && !actions.includes(open) && draft.text.trim() && (
        <p className="notice kept">
          “{ACTION_LABEL[open]}”已不适用于案件的当前状态。您填写的内容：<q>{draft.text}</q>
        </p>
      )}
      {open && actions.includes(open) && (
        <form className="action-form" onSubmit={submit} aria-label={ACTION_LABEL[open]}>
          <ActionFields action={open} draft={draft} edit={edit} c={c} />
          <button type="submit" className="primary" disabled={busy}>
            {busy ? '正在提交…' : `确认${ACTION_LABEL[open]}`}
          </button>
        </form>
      )}
    </section>
  );
}

/** The first thing the form still needs, in words; null when it can be sent. */
function requiredMissing(action: CaseAction, d: Draft): string | null {
  const text = d.text.trim();
  if (['REJECT', 'REOPEN', 'EXTEND_DEADLINE', 'ESCALATE'].includes(action) && !text) return '请填写理由。';
  if (['RESOLVE', 'CLOSE', 'NOTE'].includes(action) && !text) return '请填写说明。';
  if (action === 'MERGE' && !/^SL\d{8,}$/i.test(d.other.trim())) return '请填写要并入的案件编号（SL 开头）。';
  if (action === 'NOTE' && d.choice === 'JUDICIAL_AID' && !(Number(d.other) > 0)) return '请填写司法救助金额（元）。';
  return null;
}

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <label className="field">
      <span>{label}</span>
      {children}
    </label>
  );
}

function ActionFields({ action, draft, edit, c }: { action: CaseAction; draft: Draft; edit: (p: Partial<Draft>) => void; c: CaseDetailFragment }) {
  const textArea = (label: string, placeholder = '') => (
    <Field label={label}>
      <textarea rows={3} value={draft.text} placeholder={placeholder} onChange={(e) => edit({ text: e.target.value })} />
    </Field>
  );
  switch (action) {
    case 'ACCEPT':
    case 'START':
      return textArea('备注（可不填）');
    case 'REJECT':
      return textArea('不予受理的理由', '例如：不属于受理范围，已告知反映人向法院起诉');
    case 'REOPEN':
      return textArea('重办的理由');
    case 'EXTEND_DEADLINE':
      return textArea('延期的理由');
    case 'CLOSE':
      return textArea('销号说明');
    case 'RESOLVE':
      return (
        <>
          {textArea('办结情况', '怎样解决的、当事人的意见')}
          <Field label="现场照片（可拍照，可多张）">
            <input type="file" accept="image/*" capture="environment" multiple onChange={(e) => edit({ photos: [...(e.target.files ?? [])] })} />
          </Field>
          {draft.photos.length > 0 && <p className="muted">已选 {draft.photos.length} 张照片，提交时上传。</p>}
        </>
      );
    case 'ASSIGN':
      return <AssignFields c={c} draft={draft} edit={edit} textArea={textArea('交办意见（可不填）')} />;
    case 'ESCALATE':
      return (
        <>
          <Field label="提级原因">
            <select value={draft.choice || 'REQUIRES_HIGHER_AUTHORITY'} onChange={(e) => edit({ choice: e.target.value })}>
              {(['REQUIRES_HIGHER_AUTHORITY', 'BEYOND_UNIT'] as Escalation[]).map((v) => (
                <option key={v} value={v}>
                  {ESCALATION_LABEL[v]}
                </option>
              ))}
            </select>
          </Field>
          <label className="check">
            <input type="checkbox" checked={draft.moveUp} onChange={(e) => edit({ moveUp: e.target.checked })} />
            交上一级承办
          </label>
          {textArea('理由')}
        </>
      );
    case 'SUPERVISE':
      return (
        <>
          <Field label="督办级别">
            <select value={draft.choice || 'SUPERVISED'} onChange={(e) => edit({ choice: e.target.value })}>
              {(['URGED', 'SUPERVISED', 'LISTED'] as SupervisionLevel[]).map((v) => (
                <option key={v} value={v}>
                  {SUPERVISION_LABEL[v]}
                </option>
              ))}
            </select>
          </Field>
          {textArea('督办意见（可不填）')}
        </>
      );
    case 'MERGE':
      return (
        <>
          <Field label="并入的案件编号">
            <input value={draft.other} placeholder="SL…" onChange={(e) => edit({ other: e.target.value })} />
          </Field>
          {textArea('说明（可不填）')}
        </>
      );
    case 'NOTE':
      return (
        <>
          <Field label="记录类型">
            <select value={draft.choice || 'NOTE'} onChange={(e) => edit({ choice: e.target.value })}>
              {STEP_TYPES.map((t) => (
                <option key={t} value={t}>
                  {EVENT_LABEL[t]}
                </option>
              ))}
            </select>
          </Field>
          {draft.choice === 'JUDICIAL_AID' && (
            <Field label="救助金额（元）">
              <input type="number" inputMode="decimal" min="1" value={draft.other} onChange={(e) => edit({ other: e.target.value })} />
            </Field>
          )}
          {textArea('内容')}
        </>
      );
    case 'RETURN_VISIT':
      return (
        <>
          <Field label="回访结果">
            <select value={draft.choice || 'SATISFIED'} onChange={(e) => edit({ choice: e.target.value })}>
              {(['SATISFIED', 'BASICALLY_SATISFIED', 'DISSATISFIED'] as ReturnVisitResult[]).map((v) => (
                <option key={v} value={v}>
                  {VISIT_LABEL[v]}
                </option>
              ))}
            </select>
          </Field>
          {textArea('回访记录（可不填）')}
        </>
      );
  }
}

/** Assign to a unit of the handling unit's jurisdiction and, if wanted, one of its officers. */
function AssignFields({ c, draft, edit, textArea }: { c: CaseDetailFragment; draft: Draft; edit: (p: Partial<Draft>) => void; textArea: ReactNode }) {
  const { data, loading } = useQuery(ASSIGNABLE, { variables: { unitId: c.handlingUnit.id } });
  const unit = data?.unit;
  const units = unit ? [{ id: unit.id, name: unit.name }, ...unit.children] : [];
  const officers = useQuery(UNIT_OFFICERS, { variables: { unitId: draft.choice }, skip: !draft.choice });
  if (loading && !unit) return <p className="muted">正在读取可交办的单位…</p>;
  return (
    <>
      <Field label="交办到">
        <select value={draft.choice} onChange={(e) => edit({ choice: e.target.value, other: '' })}>
          <option value="">发生地的责任人（驻村民警负责制）</option>
          {units.map((u) => (
            <option key={u.id} value={u.id}>
              {u.name}
            </option>
          ))}
        </select>
      </Field>
      {draft.choice && (
        <Field label="承办人">
          <select value={draft.other} onChange={(e) => edit({ other: e.target.value })}>
            <option value="">（只交办到单位）</option>
            {(officers.data?.unit?.officers ?? []).map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
              </option>
            ))}
          </select>
        </Field>
      )}
      {textArea}
    </>
  );
}
