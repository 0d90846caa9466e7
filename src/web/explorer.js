// GET /graphql in a browser: mounts GraphiQL with the session's token (from the dashboard) in the
// headers editor. A file of its own: the page's Content-Security-Policy runs no inline script.
(function () {
  var introspection = document.body.getAttribute('data-introspection') === 'true';
  var token = null;
  try {
    token = sessionStorage.getItem('sanling-token');
  } catch (e) {
    /* storage off */
  }
  var headers = token ? JSON.stringify({ Authorization: 'Bearer ' + token }, null, 2) : '{\n  "Authorization": "Bearer "\n}';
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
  ].join('\n');
  var fetcher = GraphiQL.createFetcher({ url: '/graphql' });
  var props = { fetcher: fetcher, defaultQuery: query, defaultHeaders: headers, defaultEditorToolsVisibility: 'headers', shouldPersistHeaders: false };
  // Without introspection there is no schema to ask for: no docs, no completion; queries still run.
  if (!introspection) props.schema = null;
  ReactDOM.createRoot(document.getElementById('graphiql')).render(React.createElement(GraphiQL, props));
})();
