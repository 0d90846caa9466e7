import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { readdirSync, readFileSync } from 'node:fs';
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
  /**
   * The body gzipped, for clients that take it (a phone on a slow network gets a quarter of the
   * bytes): made at the first such request and kept, so a start does not compress what nobody asks for.
   */
  gzipped: () => Buffer;
  /** The URL with a version query: the page links this, so an upgrade is fetched again. */
  versioned: string;
}

const YEAR = 'public, max-age=31536000, immutable';

function asset(url: string, type: string, file: string): Asset {
  const body = readFileSync(file);
  const version = createHash('sha256').update(body).digest('hex').slice(0, 12);
  let gzipped: Buffer | undefined;
  return { url, type, body, gzipped: () => (gzipped ??= gzipSync(body, { level: 9 })), versioned: `${url}?v=${version}` };
}

/** Sends an asset, gzipped when the client accepts it and it is smaller so. */
function sendAsset(req: Request, res: Response, a: Asset, cacheControl: string): void {
  res.set('Cache-Control', cacheControl).type(a.type).vary('Accept-Encoding');
  if (req.acceptsEncodings('gzip', 'identity') === 'gzip' && a.gzipped().length < a.body.length) res.set('Content-Encoding', 'gzip').send(a.gzipped());
  else res.send(a.body);
}

/** A file of an installed package, found through its package.json (their exports hide the UMD builds). */
function packageFile(pkg: string, file: string): string {
  return path.join(path.dirname(require.resolve(`${pkg}/package.json`)), file);
}

function serveAsset(router: Router, a: Asset): void {
  router.get(a.url, (req, res) => sendAsset(req, res, a, YEAR));
}

/** Replaces each asset's plain URL in a page by its versioned one. */
function linkAssets(html: string, assets: Asset[]): string {
  for (const a of assets) html = html.replaceAll(`"${a.url}"`, `"${a.versioned}"`);
  return html;
}

/** Sends a page; its security headers (CSP and the rest) come from securityHeaders, for every page alike. */
function sendPage(res: Response, html: string): void {
  res.set('Cache-Control', 'no-cache').type('html').send(html);
}

/** GET /chat: the residents' web chat page, /chat.js and /chat.css. */
export function chatPageRouter(): Router {
  const dir = path.join(projectRoot(), 'src/web');
  const assets = [asset('/chat.js', 'js', path.join(dir, 'chat.js')), asset('/chat.css', 'css', path.join(dir, 'chat.css'))];
  const page = linkAssets(readFileSync(path.join(dir, 'chat.html'), 'utf8'), assets);
  const router = Router();
  router.get('/chat', (_req, res) => sendPage(res, page));
  for (const a of assets) serveAsset(router, a);
  return router;
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
  router.get('/', (_req, res) => sendPage(res, page));
  for (const a of assets) serveAsset(router, a);
  return router;
}

/** GET /favicon.svg: the product's icon, for every page. */
export function faviconRouter(): Router {
  const icon = asset('/favicon.svg', 'image/svg+xml', path.join(projectRoot(), 'src/web/favicon.svg'));
  const router = Router();
  router.get(icon.url, (req, res) => sendAsset(req, res, icon, 'public, max-age=86400'));
  return router;
}

/**
 * GET /work: the officers' workbench (办件工作台), a single page built from src/workbench by Vite
 * into dist/workbench (`npm start` builds it when stale). Its assets have content hashes in their
 * names, so they are cached for good; the page itself is asked again every time. Read from disk
 * at start; a server started without a build says how to make one.
 */
export function workbenchRouter(): Router {
  const dir = path.join(projectRoot(), 'dist/workbench');
  const router = Router();
  let page: string | undefined;
  const assets = new Map<string, Asset>();
  try {
    page = readFileSync(path.join(dir, 'index.html'), 'utf8');
    for (const name of readdirSync(path.join(dir, 'assets'))) {
      const type = name.endsWith('.js') ? 'js' : name.endsWith('.css') ? 'css' : undefined;
      if (type) assets.set(name, asset(`/work/assets/${name}`, type, path.join(dir, 'assets', name)));
    }
  } catch {
    page = undefined;
  }
  router.get(['/work', '/work/'], (_req, res) => {
    if (!page) {
      res.status(503).type('text').send('办件工作台尚未构建：请运行 npm run build:workbench（npm start 会自动构建）后重启服务。');
      return;
    }
    sendPage(res, page);
  });
  router.get('/work/assets/:name', (req, res, next) => {
    const a = assets.get(req.params.name);
    if (!a) return next();
    sendAsset(req, res, a, YEAR);
  });
  return router;
}

/** A browser asking for the page itself: HTML accepted, and no query to run. */
function wantsExplorer(req: Request): boolean {
  return req.query.query === undefined && (req.headers.accept ?? '').includes('text/html');
}

function explorerHtml(introspection: boolean, assets: Record<string, Asset>): string {
  const notice = introspection
    ? ''
    : '<div class="notice" role="alert">本服务器已关闭内省（GRAPHQL_INTROSPECTION=false）：调试台没有文档和自动补全，查询仍可发送。</div>';
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>三零 GraphQL API 调试台</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
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
<script src="${assets.explorer.versioned}"></script>
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
    explorer: asset('/explorer.js', 'js', path.join(projectRoot(), 'src/web/explorer.js')),
  };
  const page = explorerHtml(options.introspection, assets);
  const router = Router();
  router.get('/graphql', (req, res, next) => {
    if (!wantsExplorer(req)) return next();
    // Caches keep the page apart from the JSON answers of the same URL.
    res.vary('Accept');
    sendPage(res, page);
  });
  for (const a of Object.values(assets)) serveAsset(router, a);
  return router;
}
