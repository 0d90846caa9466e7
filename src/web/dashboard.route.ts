import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Router, type Request, type Response } from 'express';
import { projectRoot } from '../paths';

/*
 * The command-centre page (指挥中心大屏) at `/` and the GraphQL explorer (GraphiQL) at `GET /graphql`
 * for browsers. Both run on intranets without internet access: every script, style and font comes
 * from this server, read from the project's own files and node_modules once at start. The pages'
 * Content-Security-Policy names no other origin, so nothing could be loaded from elsewhere.
 */

/** A file read once at start, served under a versioned URL with a long cache lifetime. */
interface Asset {
  url: string;
  type: string;
  body: Buffer;
  /** The URL with a version query: the page links this, so an upgrade is fetched again. */
  versioned: string;
}

const YEAR = 'public, max-age=31536000, immutable';

function asset(url: string, type: string, file: string): Asset {
  const body = readFileSync(file);
  const version = createHash('sha256').update(body).digest('hex').slice(0, 12);
  return { url, type, body, versioned: `${url}?v=${version}` };
}

/** A file of an installed package, found through its package.json (their exports hide the UMD builds). */
function packageFile(pkg: string, file: string): string {
  return path.join(path.dirname(require.resolve(`${pkg}/package.json`)), file);
}

function serveAsset(router: Router, a: Asset): void {
  router.get(a.url, (_req, res) => {
    res.set({ 'Cache-Control': YEAR, 'X-Content-Type-Options': 'nosniff' }).type(a.type).send(a.body);
  });
}

/** Replaces each asset's plain URL in a page by its versioned one. */
function linkAssets(html: string, assets: Asset[]): string {
  for (const a of assets) html = html.replaceAll(`"${a.url}"`, `"${a.versioned}"`);
  return html;
}

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/** The printable warning letter's own button calls `print()`; opened from the page as a blob, it runs under the page's policy. */
const LETTER_PRINT_HANDLER = sha256('print()');

const DASHBOARD_CSP = [
  "default-src 'none'",
  `script-src 'self' 'unsafe-hashes' ${LETTER_PRINT_HANDLER}`,
  // ECharts positions its tooltips with inline styles.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

function sendPage(res: Response, html: string, csp: string): void {
  res
    .set({
      'Cache-Control': 'no-cache',
      'Content-Security-Policy': csp,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
    })
    .type('html')
    .send(html);
}

/** GET / (the page), /dashboard.js, /dashboard.css and /vendor/echarts.min.js. */
export function dashboardRouter(): Router {
  const dir = path.join(projectRoot(), 'src/web');
  const assets = [
    asset('/dashboard.js', 'js', path.join(dir, 'dashboard.js')),
    asset('/dashboard.css', 'css', path.join(dir, 'dashboard.css')),
    asset('/vendor/echarts.min.js', 'js', require.resolve('echarts/dist/echarts.min.js')),
  ];
  const page = linkAssets(readFileSync(path.join(dir, 'dashboard.html'), 'utf8'), assets);
  const router = Router();
  router.get('/', (_req, res) => sendPage(res, page, DASHBOARD_CSP));
  for (const a of assets) serveAsset(router, a);
  return router;
}

/** A browser asking for the page itself: HTML accepted, and no query to run. */
function wantsExplorer(req: Request): boolean {
  return req.query.query === undefined && (req.headers.accept ?? '').includes('text/html');
}

/** The page's own script: mounts GraphiQL with the session's token (from the dashboard) in the headers editor. */
const EXPLORER_SCRIPT = `
(function () {
  var introspection = document.body.getAttribute('data-introspection') === 'true';
  var token = null;
  try { token = sessionStorage.getItem('sanling-token'); } catch (e) { /* storage off */ }
  var headers = token ? JSON.stringify({ Authorization: 'Bearer ' + token }, null, 2) : '{\\n  "Authorization": "Bearer "\\n}';
  var query = [
    '# 三零 GraphQL API 调试台',
    '# 1. 运行 Login 取得令牌（token）；',
    '# 2. 在下方 Headers 中填入 {"Authorization": "Bearer <令牌>"}，再运行其他查询。',
    '# 从指挥中心打开时，已登录的令牌已经填好。',
    '',
    'mutation Login {',
    '  login(input: {phone: "", password: ""}) {',
    '    token',
    '    officer { name role unit { name } }',
    '  }',
    '}',
    '',
    'query Dashboard {',
    '  dashboard {',
    '    unit { name }',
    '    month',
    '    base { openCases openHazards openEmergencies listed reportedInMonth }',
    '    progress { category units zeroUnits rate target met }',
    '  }',
    '}',
    '',
  ].join('\\n');
  var fetcher = GraphiQL.createFetcher({ url: '/graphql' });
  var props = { fetcher: fetcher, defaultQuery: query, defaultHeaders: headers, defaultEditorToolsVisibility: 'headers', shouldPersistHeaders: false };
  // Without introspection there is no schema to ask for: no docs, no completion; queries still run.
  if (!introspection) props.schema = null;
  ReactDOM.createRoot(document.getElementById('graphiql')).render(React.createElement(GraphiQL, props));
})();
`;

function explorerHtml(introspection: boolean, assets: Record<string, Asset>): string {
  const notice = introspection
    ? ''
    : '<div class="notice" role="alert">本服务器已关闭内省（GRAPHQL_INTROSPECTION=false）：调试台没有文档和自动补全，查询仍可发送。</div>';
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>三零 GraphQL API 调试台</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${assets.css.versioned}">
<style>
  html, body { height: 100%; margin: 0; }
  body { display: flex; flex-direction: column; font-family: "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", "WenQuanYi Zen Hei", sans-serif; }
  header { display: flex; gap: 1.5em; align-items: center; padding: .4em 1em; background: #0b1d3a; color: #dbe8ff; font-size: 14px; }
  header strong { font-size: 16px; }
  header a { color: #7cc4ff; }
  .notice { padding: .5em 1em; background: #fff3cd; color: #664d03; border-bottom: 1px solid #e0c36a; font-size: 14px; }
  #graphiql { flex: 1; min-height: 0; }
</style></head>
<body data-introspection="${introspection}">
<header><strong>三零 GraphQL API 调试台</strong><span>令牌填在 Headers：{"Authorization": "Bearer &lt;令牌&gt;"}</span><a href="/">返回指挥中心</a></header>
${notice}
<div id="graphiql"></div>
<script src="${assets.react.versioned}"></script>
<script src="${assets.reactDom.versioned}"></script>
<script src="${assets.graphiql.versioned}"></script>
<script>${EXPLORER_SCRIPT}</script>
</body></html>`;
}

/**
 * GET /graphql for a browser: GraphiQL from the `graphiql` package's prebuilt UMD bundle and React's
 * UMD builds, all from node_modules. Other GET /graphql requests (with a query) go on to Apollo.
 */
export function explorerRouter(options: { introspection: boolean }): Router {
  const assets = {
    react: asset('/vendor/react.production.min.js', 'js', packageFile('react', 'umd/react.production.min.js')),
    reactDom: asset('/vendor/react-dom.production.min.js', 'js', packageFile('react-dom', 'umd/react-dom.production.min.js')),
    graphiql: asset('/vendor/graphiql.min.js', 'js', packageFile('graphiql', 'graphiql.min.js')),
    css: asset('/vendor/graphiql.min.css', 'css', packageFile('graphiql', 'graphiql.min.css')),
  };
  const page = explorerHtml(options.introspection, assets);
  const csp = [
    "default-src 'none'",
    `script-src 'self' ${sha256(EXPLORER_SCRIPT)}`,
    "style-src 'self' 'unsafe-inline'",
    // GraphiQL's fonts and icons are data: URLs inside its stylesheet.
    "font-src 'self' data:",
    "img-src 'self' data:",
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  const router = Router();
  router.get('/graphql', (req, res, next) => {
    if (!wantsExplorer(req)) return next();
    // Caches keep the page apart from the JSON answers of the same URL.
    res.vary('Accept');
    sendPage(res, page, csp);
  });
  for (const a of Object.values(assets)) serveAsset(router, a);
  return router;
}
