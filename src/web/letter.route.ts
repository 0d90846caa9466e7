import type { MikroORM } from '@mikro-orm/postgresql';
import { Router } from 'express';
import { getWarningLetter, type WarningLetter } from '../domain/stats/letters';
import type { UnitRow } from '../domain/read/rows';
import { CATEGORY_LABEL } from '../shared/labels';
import { LETTER_ROUTE } from '../shared/urls';
import { bearerOfficer, refuse, refuseError, type BearerAuth } from './officer.auth';
import { localDate } from '../domain/time/local-time';

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const percent = (x: number) => `${(x * 100).toFixed(1)}%`;

/** The letter as a printable page (A4, Chinese), with nothing loaded from elsewhere. */
export function letterHtml(letter: WarningLetter, region: UnitRow): string {
  const [year, month] = letter.month.split('-').map(Number);
  const issued = localDate(letter.issuedAt).split('-').map(Number);
  const rows = letter.findings
    .map(
      (f) =>
        `<tr><td>${escape(CATEGORY_LABEL[f.category] ?? f.category)}</td><td>${f.units}</td><td>${f.zeroUnits}</td><td>${percent(f.rate)}</td><td>${percent(f.target)}</td></tr>`,
    )
    .join('');
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>风险提示函 ${escape(region.name)} ${letter.month}</title>
<style>
  @page { size: A4; margin: 25mm 20mm; }
  body { font-family: "Noto Serif CJK SC", "Songti SC", "SimSun", serif; font-size: 16px; line-height: 1.9; max-width: 170mm; margin: 2em auto; color: #000; }
  h1 { text-align: center; font-size: 26px; letter-spacing: .3em; color: #c00; margin-bottom: .2em; }
  .no { text-align: center; margin-bottom: 2em; }
  table { border-collapse: collapse; width: 100%; margin: 1em 0; }
  td, th { border: 1px solid #000; padding: .3em .6em; text-align: center; }
  .sign { text-align: right; margin-top: 3em; }
  @media print { button { display: none; } }
</style></head>
<body>
<h1>风险提示函</h1>
<p class="no">〔${year}〕第 ${letter.id} 号</p>
<p>${escape(region.name)}：</p>
<p>根据“三零”创建工作月度考核，${year} 年 ${month} 月你地以下类别的“三零”创建率低于目标要求，综合得分 ${letter.score.toFixed(1)} 分，在 ${letter.of} 个县（市、区）中排名第 ${letter.rank} 位：</p>
<table><thead><tr><th>类别</th><th>创建主体数</th><th>达标数</th><th>创建率</th><th>目标</th></tr></thead><tbody>${rows}</tbody></table>
<p>请你地高度重视，认真分析问题原因，压实属地责任，抓好矛盾纠纷排查化解、安全隐患整治和重点案件督办，确保下月创建率达到目标要求，并将整改情况及时报送。</p>
<p class="sign">“三零”创建工作领导小组办公室<br>${issued[0]} 年 ${issued[1]} 月 ${issued[2]} 日</p>
<button type="button" class="print">打印</button>
</body></html>`;
}

/** GET /letters/:id — the printable letter, for supervisors whose jurisdiction holds its region. */
export function letterRouter(orm: MikroORM, auth: BearerAuth): Router {
  const router = Router();
  router.get(LETTER_ROUTE, async (req, res, next) => {
    try {
      const em = orm.em.fork();
      const officer = await bearerOfficer(em, req, res, auth);
      if (!officer) return;
      const id = Number(req.params.id);
      if (!/^\d{1,9}$/.test(req.params.id) || !Number.isSafeInteger(id))
        return refuse(res, 400, 'id must be the number of a warning letter (WarningLetter.id)');
      try {
        const { letter, region } = await getWarningLetter(em, officer, id);
        res
          .type('html')
          // Its security headers, as for every page, come from securityHeaders: no script runs in it.
          .set('Cache-Control', 'private, no-store')
          .send(letterHtml(letter, region));
      } catch (err) {
        if (refuseError(res, err, { NOT_FOUND: 'Warning letter not found' })) return;
        throw err;
      }
    } catch (err) {
      next(err);
    }
  });
  return router;
}
