import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from '@apollo/client/react';
import { graphql } from '../gql';
import type { CaseKind, CasePriority, Channel } from '../gql/graphql';
import { KIND_LABEL, PRIORITY_LABEL } from '../../shared/labels';
import { problem } from '../format';
import { href } from '../route';
import type { Me } from '../App';

/* 登记: an officer files a case for a resident who phoned or walked in (or for what they saw themselves). */

const REPORT = graphql(`
  mutation ReportCase($input: ReportCaseInput!) {
    reportCase(input: $input) {
      case {
        id
        number
      }
    }
  }
`);

const PLACES = graphql(`
  query FilePlaces($id: ID!) {
    unit(id: $id) {
      id
      name
      children(first: 100) {
        id
        name
      }
    }
  }
`);

const CHANNELS: Partial<Record<Channel, string>> = { HOTLINE: '电话反映', GRAPHQL: '来访或现场发现' };

interface Form {
  kind: CaseKind | '';
  priority: CasePriority;
  channel: Channel;
  unitId: string;
  title: string;
  description: string;
  name: string;
  phone: string;
}
const BLANK: Form = { kind: '', priority: 'NORMAL', channel: 'HOTLINE', unitId: '', title: '', description: '', name: '', phone: '' };

export function FileCase({ me }: { me: Me }) {
  const [form, setForm] = useState<Form>(BLANK);
  const [problemText, setProblem] = useState<string | null>(null);
  const [filed, setFiled] = useState<{ id: string; number: string } | null>(null);
  const [report, { loading }] = useMutation(REPORT);
  // The place is chosen level by level, from the officer's own unit down (a county has hundreds of villages).
  const [path, setPath] = useState<string[]>([]);
  const set = (patch: Partial<Form>) => setForm((f) => ({ ...f, ...patch }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setProblem(null);
    if (!form.kind) return setProblem('请选择类别。');
    if (!form.title.trim()) return setProblem('请填写标题。');
    if (!form.description.trim()) return setProblem('请填写情况描述。');
    if (form.phone.trim() && !/^1\d{10}$/.test(form.phone.trim())) return setProblem('反映人手机号应为 11 位数字，或不填。');
    if (form.phone.trim() && !form.name.trim()) return setProblem('填写手机号时请同时填写反映人姓名。');
    try {
      const { data } = await report({
        variables: {
          input: {
            kind: form.kind,
            priority: form.priority,
            channel: form.channel,
            unitId: form.unitId || me.unit.id,
            title: form.title.trim(),
            description: form.description.trim(),
            reporter: form.name.trim() ? { displayName: form.name.trim(), phone: form.phone.trim() || null } : null,
          },
        },
        refetchQueries: ['TodoList', 'TodoCounts'],
      });
      if (data) {
        setFiled(data.reportCase.case);
        setForm(BLANK);
        setPath([]);
      }
    } catch (err) {
      setProblem(problem(err));
    }
  };

  return (
    <section aria-labelledby="file-title">
      <h1 id="file-title">登记案件</h1>
      {filed && (
        <p className="ok" role="status">
          已登记，编号 <a href={href({ name: 'case', id: filed.id })}>{filed.number}</a>。
        </p>
      )}
      <form className="file-form" onSubmit={submit} noValidate>
        <Choice label="类别" value={form.kind} options={KIND_LABEL} placeholder="请选择" onChange={(kind) => set({ kind: kind as CaseKind })} />
        <Choice label="紧急程度" value={form.priority} options={PRIORITY_LABEL} onChange={(priority) => set({ priority: priority as CasePriority })} />
        <Choice label="来源" value={form.channel} options={CHANNELS} onChange={(channel) => set({ channel: channel as Channel })} />
        {[me.unit.id, ...path].map((parentId, level) => (
          <PlaceSelect
            key={`${level}-${parentId}`}
            parentId={parentId}
            level={level}
            value={path[level] ?? ''}
            onChange={(id) => {
              const next = [...path.slice(0, level), ...(id ? [id] : [])];
              setPath(next);
              set({ unitId: next.at(-1) ?? '' });
            }}
          />
        ))}
        <label className="field">
          <span>标题</span>
          <input value={form.title} maxLength={200} placeholder="例如：两户因宅基地边界发生争执" onChange={(e) => set({ title: e.target.value })} />
        </label>
        <label className="field">
          <span>情况描述</span>
          <textarea rows={4} value={form.description} maxLength={5000} onChange={(e) => set({ description: e.target.value })} />
        </label>
        <label className="field">
          <span>反映人姓名（匿名可不填）</span>
          <input value={form.name} maxLength={50} autoComplete="off" onChange={(e) => set({ name: e.target.value })} />
        </label>
        <label className="field">
          <span>反映人手机号（可不填）</span>
          <input type="tel" inputMode="numeric" value={form.phone} autoComplete="off" onChange={(e) => set({ phone: e.target.value })} />
        </label>
        {problemText && (
          <p className="error" role="alert">
            {problemText}
          </p>
        )}
        <button type="submit" className="primary" disabled={loading}>
          {loading ? '正在登记…' : '登记'}
        </button>
      </form>
    </section>
  );
}

/** One level of the place: the units under `parentId`; nothing is shown when it has none. */
function PlaceSelect({ parentId, level, value, onChange }: { parentId: string; level: number; value: string; onChange: (id: string) => void }) {
  const { data } = useQuery(PLACES, { variables: { id: parentId } });
  const unit = data?.unit;
  if (!unit || unit.children.length === 0) return null;
  return (
    <label className="field">
      <span>{level === 0 ? '发生地' : `${unit.name}下的`}</span>
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">{level === 0 ? `${unit.name}（本级）` : `${unit.name}（不再细分）`}</option>
        {unit.children.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name}
          </option>
        ))}
      </select>
    </label>
  );
}

/** A labelled choice among named values (a label map: value → Chinese name). */
function Choice(props: { label: string; value: string; options: Record<string, string>; placeholder?: string; onChange: (value: string) => void }) {
  return (
    <label className="field">
      <span>{props.label}</span>
      <select value={props.value} onChange={(e) => props.onChange(e.target.value)}>
        {props.placeholder && <option value="">{props.placeholder}</option>}
        {Object.entries(props.options).map(([value, name]) => (
          <option key={value} value={value}>
            {name}
          </option>
        ))}
      </select>
    </label>
  );
}
