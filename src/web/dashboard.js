/*
 * 三零创建指挥中心: one GraphQL request per refresh (every 60 s, and on every change of region or
 * month), drawn with ECharts. The token lives in sessionStorage (this tab only) and goes out in the
 * Authorization header, also for ledger downloads and warning letters, which are fetched and handed
 * to the browser as blobs. Every chart container carries data-chart, data-values (the figures it
 * shows, as JSON) and data-drawn ("true" once ECharts has finished drawing them).
 */
'use strict';

(function () {
  var TOKEN_KEY = 'sanling-token';
  var OFFICER_KEY = 'sanling-officer';
  var VIEW_KEY = 'sanling-dashboard-view';
  var REFRESH_MS = 60000;
  var TZ = 'Asia/Shanghai';

  var CATEGORIES = ['VILLAGE_COMMUNITY', 'ENTERPRISE', 'INSTITUTION'];
  var CATEGORY = { VILLAGE_COMMUNITY: '村（社区）', ENTERPRISE: '企业', INSTITUTION: '单位' };
  var KIND = {
    PETITION: '信访诉求',
    DISPUTE: '矛盾纠纷',
    SAFETY_HAZARD: '安全隐患',
    PUBLIC_ORDER_HAZARD: '治安隐患',
    ACCIDENT: '事故',
    CRIMINAL_CASE: '刑事案件线索',
    PUBLIC_ORDER_CASE: '治安案件',
    OTHER: '其他问题',
  };
  var ZERO = { PETITION: '零上访', ACCIDENT: '零事故', CASE: '零案件' };
  var WARNING = { OPEN_HAZARDS: '隐患', REPEATED_PETITIONS: '重复信访', OPEN_EMERGENCY: '紧急警情', LISTED_OVERDUE: '挂牌超期', CLUSTER: '风险交织' };
  var SUPERVISION = { NONE: '—', REMINDED: '到期提醒', URGED: '催办', SUPERVISED: '督办', LISTED: '挂牌督办' };
  var ROLE = { GRID_WORKER: '网格员', OFFICER: '综治干部', SUPERVISOR: '督导', ADMIN: '管理员' };
  var RANKED = { CITY: 'COUNTY', COUNTY: 'TOWNSHIP' };
  var LEVEL_NAME = { COUNTY: '县（市、区）', TOWNSHIP: '乡镇（街道）' };

  var QUERY = [
    'query CommandCentre($unitId: ID, $month: String, $level: RankingLevel!, $ranked: Boolean!, $township: Boolean!, $regionId: ID!) {',
    '  dashboard(unitId: $unitId, month: $month) {',
    '    unit { id name kind }',
    '    month',
    '    base { unitsByCategory { category count } openByKind { kind count } openCases openHazards openEmergencies listed reportedInMonth }',
    '    progress { category units zeroUnits rate target met broken(first: 3) { unit { name } rules } }',
    '    warnings(first: 20) { unit { name } rule reason caseCount cases { id number title } }',
    '    warningCount',
    '    warningsComputedAt',
    '    supervision(first: 20) { id number title supervisionLevel dueAt unit { name } }',
    '    emergencies(first: 20) { id number title reportedAt unit { name } }',
    '    trend(months: 12) { month reported resolved responseRate onTimeRate satisfactionRate zeroRate }',
    '    exemplary(first: 3) { months count units { name } }',
    '    stock { baselineDate stock cleared clearanceRate increments }',
    '  }',
    '  rankings(level: $level, month: $month, withinId: $unitId) @include(if: $ranked) {',
    '    rank unit { id name kind } zeroRate responseRate onTimeRate satisfactionRate overdue score belowTarget belowTargetIn',
    '  }',
    '  villages: unit(id: $regionId) @include(if: $township) {',
    '    children(first: 100) { id name kind zeroStatus(month: $month) { zero broken } }',
    '  }',
    '  warningLetters(first: 20) { edges { node { id region { id name } month issuedAt rank of score url } } }',
    '}',
  ].join('\n');

  var $ = function (id) {
    return document.getElementById(id);
  };

  var state = {
    token: null,
    officer: null,
    /** The regions drilled through, the officer's own unit first: { id, name, kind }. */
    stack: [],
    month: '',
    /** Each load takes a number; an answer that is not the latest one's is dropped. */
    seq: 0,
    loads: 0,
    timer: null,
    charts: {},
    data: null,
  };

  // ---- small helpers ----

  function storage() {
    try {
      return window.sessionStorage;
    } catch (e) {
      return null;
    }
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = String(text);
    return node;
  }

  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return '&#' + c.charCodeAt(0) + ';';
    });
  }

  function pct(rate, digits) {
    return rate == null ? '—' : (rate * 100).toFixed(digits == null ? 1 : digits) + '%';
  }

  /** 0.8472… → 84.7 (what the charts plot), null stays null. */
  function pctValue(rate) {
    return rate == null ? null : Math.round(rate * 1000) / 10;
  }

  var dateTime = new Intl.DateTimeFormat('zh-CN', { timeZone: TZ, month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false });
  var clockTime = new Intl.DateTimeFormat('zh-CN', { timeZone: TZ, hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });

  function currentMonth() {
    var parts = new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit' }).formatToParts(new Date());
    var get = function (type) {
      return parts.filter(function (p) {
        return p.type === type;
      })[0].value;
    };
    return get('year') + '-' + get('month');
  }

  /**
   * The month pickers: the last MONTHS_SHOWN months in Chinese (2026 年 11 月), newest first. A
   * browser's own month input speaks the browser's language and is not offered on every phone.
   */
  var MONTHS_SHOWN = 36;
  function fillMonths(select, max) {
    select.textContent = '';
    var p = max.split('-');
    var y = Number(p[0]);
    var m = Number(p[1]);
    for (var i = 0; i < MONTHS_SHOWN; i++) {
      var value = y + '-' + (m < 10 ? '0' : '') + m;
      var option = el('option', null, monthLabel(value));
      option.value = value;
      select.appendChild(option);
      m -= 1;
      if (m === 0) {
        m = 12;
        y -= 1;
      }
    }
  }

  function monthLabel(m) {
    var p = m.split('-');
    return p[0] + ' 年 ' + Number(p[1]) + ' 月';
  }

  function ApiError(code, message) {
    this.code = code;
    this.message = message;
  }

  function gql(query, variables) {
    var headers = { 'content-type': 'application/json' };
    if (state.token) headers.authorization = 'Bearer ' + state.token;
    return fetch('/graphql', { method: 'POST', headers: headers, body: JSON.stringify({ query: query, variables: variables || {} }) })
      .catch(function () {
        throw new ApiError('NETWORK', '无法连接服务器');
      })
      .then(function (res) {
        return res.json().catch(function () {
          throw new ApiError('NETWORK', '服务器返回 ' + res.status);
        });
      })
      .then(function (body) {
        if (body.errors && body.errors.length) {
          var e = body.errors[0];
          throw new ApiError((e.extensions && e.extensions.code) || 'ERROR', e.message);
        }
        return body.data;
      });
  }

  function bearer() {
    return { authorization: 'Bearer ' + state.token };
  }

  // ---- session ----

  function saveView() {
    var s = storage();
    if (s) s.setItem(VIEW_KEY, JSON.stringify({ stack: state.stack, month: state.month }));
  }

  function showLogin(message) {
    stopRefresh();
    state.token = null;
    state.officer = null;
    state.data = null;
    var s = storage();
    if (s) {
      s.removeItem(TOKEN_KEY);
      s.removeItem(OFFICER_KEY);
      s.removeItem(VIEW_KEY);
    }
    disposeCharts();
    $('app').hidden = true;
    $('login').hidden = false;
    $('login-error').textContent = message || '';
    $('password').value = '';
    $('phone').focus();
  }

  function login(event) {
    event.preventDefault();
    var button = $('login-button');
    button.disabled = true;
    $('login-error').textContent = '';
    gql('mutation Login($input: LoginInput!) { login(input: $input) { token officer { name role unit { id name kind } } } }', {
      input: { phone: $('phone').value.trim(), password: $('password').value },
    })
      .then(function (data) {
        var s = storage();
        state.token = data.login.token;
        state.officer = data.login.officer;
        if (s) {
          s.setItem(TOKEN_KEY, state.token);
          s.setItem(OFFICER_KEY, JSON.stringify(state.officer));
          s.removeItem(VIEW_KEY);
        }
        state.stack = [state.officer.unit];
        state.month = currentMonth();
        $('password').value = '';
        enter();
      })
      .catch(function (err) {
        var text =
          err.code === 'UNAUTHENTICATED'
            ? '手机号或密码错误'
            : err.code === 'RATE_LIMITED'
              ? '尝试次数过多，请稍后再试'
              : err.code === 'BAD_USER_INPUT'
                ? '请输入手机号和密码'
                : '登录失败：' + err.message;
        $('login-error').textContent = text;
      })
      .then(function () {
        button.disabled = false;
      });
  }

  function logout() {
    showLogin('已退出登录');
  }

  function enter() {
    $('login').hidden = true;
    $('app').hidden = false;
    $('denied').hidden = true;
    $('officer').textContent = state.officer.name + ' · ' + (ROLE[state.officer.role] || state.officer.role);
    var max = currentMonth();
    ['month', 'ledger-from', 'ledger-to'].forEach(function (id) {
      fillMonths($(id), max);
      $(id).value = state.month;
    });
    startRefresh();
    load();
  }

  function startRefresh() {
    stopRefresh();
    state.timer = setInterval(function () {
      load();
    }, REFRESH_MS);
  }

  function stopRefresh() {
    if (state.timer) clearInterval(state.timer);
    state.timer = null;
  }

  // ---- loading ----

  function current() {
    return state.stack[state.stack.length - 1];
  }

  function setStatus(text, failed) {
    var s = $('status');
    s.textContent = text;
    s.classList.toggle('failed', !!failed);
  }

  function load() {
    var region = current();
    var level = RANKED[region.kind];
    var seq = ++state.seq;
    setStatus(state.data ? '正在刷新…' : '正在加载…');
    return gql(QUERY, {
      unitId: region.id,
      regionId: region.id,
      month: state.month,
      level: level || 'COUNTY',
      ranked: !!level,
      township: region.kind === 'TOWNSHIP',
    })
      .then(function (data) {
        if (seq !== state.seq) return;
        state.data = data;
        state.loads++;
        document.body.setAttribute('data-loads', String(state.loads));
        $('denied').hidden = true;
        $('screen').hidden = false;
        render(data, level);
        setStatus('更新于 ' + clockTime.format(new Date()));
      })
      .catch(function (err) {
        if (seq !== state.seq) return;
        if (!(err instanceof ApiError)) throw err;
        if (err.code === 'UNAUTHENTICATED') return showLogin('登录已失效，请重新登录');
        if (err.code === 'FORBIDDEN') return deny();
        if (err.code === 'NOT_FOUND' && state.stack.length > 1) {
          // The region drilled into is gone or out of reach: back to the officer's own.
          state.stack = state.stack.slice(0, 1);
          saveView();
          return load();
        }
        setStatus('刷新失败：' + err.message + '（稍后自动重试）', true);
      });
  }

  function deny() {
    stopRefresh();
    $('screen').hidden = true;
    var role = ROLE[state.officer.role] || state.officer.role;
    var box = $('denied');
    box.textContent =
      '您的账号（' +
      state.officer.name +
      '，' +
      role +
      '）无权查看指挥中心：指挥中心的统计分析仅向督导（SUPERVISOR）及以上角色开放。请使用督导账号登录，或联系管理员调整角色。';
    box.hidden = false;
    setStatus('');
  }

  // ---- drill-down ----

  function drill(unit) {
    if (!RANKED[current().kind]) return;
    state.stack.push({ id: unit.id, name: unit.name, kind: unit.kind });
    changedRegion();
  }

  function goTo(depth) {
    state.stack = state.stack.slice(0, depth + 1);
    changedRegion();
  }

  function changedRegion() {
    saveView();
    for (var name in state.charts) state.charts[name].el.setAttribute('data-drawn', 'false');
    renderCrumbs();
    load();
  }

  function renderCrumbs() {
    var nav = $('crumbs');
    nav.textContent = '';
    state.stack.forEach(function (u, i) {
      if (i > 0) nav.appendChild(el('span', 'sep', '›'));
      if (i < state.stack.length - 1) {
        var a = el('a', null, u.name);
        a.href = '#';
        a.addEventListener('click', function (e) {
          e.preventDefault();
          goTo(i);
        });
        nav.appendChild(a);
      } else {
        nav.appendChild(el('span', null, u.name));
      }
    });
    $('back').hidden = state.stack.length < 2;
    $('region-name').textContent = current().name;
    document.body.setAttribute('data-unit-id', current().id);
  }

  // ---- charts ----

  function chart(name) {
    var existing = state.charts[name];
    if (existing) return existing.chart;
    var node = document.querySelector('[data-chart="' + name + '"]');
    var instance = echarts.init(node, null, { renderer: 'canvas' });
    instance.on('finished', function () {
      node.setAttribute('data-drawn', 'true');
    });
    state.charts[name] = { chart: instance, el: node };
    return instance;
  }

  /** Records what the chart shows, then draws it; data-drawn turns "true" when ECharts is done. */
  function draw(name, values, option) {
    var instance = chart(name);
    var node = state.charts[name].el;
    node.setAttribute('data-values', JSON.stringify(values));
    node.setAttribute('data-drawn', 'false');
    // The container may have been hidden when the chart was made, or resized since.
    instance.resize();
    instance.setOption(option, { notMerge: true });
  }

  function disposeCharts() {
    for (var name in state.charts) {
      state.charts[name].chart.dispose();
      state.charts[name].el.setAttribute('data-drawn', 'false');
      state.charts[name].el.removeAttribute('data-values');
    }
    state.charts = {};
  }

  var AXIS = { axisLine: { lineStyle: { color: '#2b5c9e' } }, axisLabel: { color: '#9fb8dd' }, splitLine: { lineStyle: { color: 'rgba(43, 92, 158, 0.35)' } } };
  var TEXT = { color: '#d6e6ff', fontFamily: 'Microsoft YaHei, PingFang SC, Noto Sans CJK SC, WenQuanYi Zen Hei, sans-serif' };

  function drawProgress(progress) {
    var values = progress.map(function (p) {
      return { category: p.category, units: p.units, zeroUnits: p.zeroUnits, rate: p.rate, target: p.target, met: p.met };
    });
    // Gauges side by side, as large as the container allows (arc and title are about 2 radii high).
    var node = document.querySelector('[data-chart="progress"]');
    var n = progress.length || 1;
    var width = node.clientWidth || 300;
    var height = node.clientHeight || 160;
    var radius = Math.max(24, Math.min(width / n / 2 - 12, (height - 24) / 1.95));
    var arc = { min: 0, max: 100, startAngle: 215, endAngle: -35, radius: radius };
    var series = [];
    progress.forEach(function (p, i) {
      var color = p.met ? '#2fd68a' : '#ff5d5d';
      var center = [((i + 0.5) / n) * 100 + '%', Math.max(radius + 12, (height - 1.95 * radius) / 2 + radius + 4)];
      series.push(
        Object.assign(
          {
            type: 'gauge',
            name: CATEGORY[p.category],
            center: center,
            splitNumber: 5,
            axisLine: { lineStyle: { width: 8, color: [[1, 'rgba(43, 92, 158, 0.55)']] } },
            progress: { show: true, width: 8, itemStyle: { color: color } },
            pointer: { width: 3, length: '55%', itemStyle: { color: color } },
            axisTick: { distance: -8, length: 3, lineStyle: { color: '#0a2146' } },
            splitLine: { distance: -10, length: 10, lineStyle: { color: '#0a2146', width: 2 } },
            axisLabel: { distance: 10, color: '#7f9cc4', fontSize: 9 },
            anchor: { show: true, size: 6, itemStyle: { color: color } },
            title: { offsetCenter: [0, '78%'], color: '#d6e6ff', fontSize: 12 },
            detail: {
              offsetCenter: [0, '42%'],
              fontSize: 16,
              fontWeight: 'bold',
              color: color,
              formatter: function (v) {
                return p.rate == null ? '无主体' : v.toFixed(1) + '%';
              },
            },
            data: [{ value: pctValue(p.rate) || 0, name: CATEGORY[p.category] }],
          },
          arc,
        ),
      );
      // The target: a yellow marker on the arc.
      series.push(
        Object.assign(
          {
            type: 'gauge',
            name: CATEGORY[p.category] + '目标',
            center: center,
            z: 5,
            axisLine: { show: false },
            axisTick: { show: false },
            splitLine: { show: false },
            axisLabel: { show: false },
            progress: { show: false },
            anchor: { show: false },
            title: { show: false },
            detail: { show: false },
            pointer: { icon: 'triangle', length: '16%', width: 10, offsetCenter: [0, '-104%'], itemStyle: { color: '#ffd54a' } },
            data: [{ value: pctValue(p.target), name: '目标' }],
          },
          arc,
        ),
      );
    });
    draw('progress', values, { textStyle: TEXT, series: series, animationDuration: 600 });

    var notes = $('progress-notes');
    notes.textContent = '';
    progress.forEach(function (p) {
      var li = el('li');
      li.appendChild(el('span', p.met ? 'met' : 'unmet', p.met ? '✔ 达标 ' : '✘ 未达标 '));
      li.appendChild(
        document.createTextNode(CATEGORY[p.category] + ' ' + p.zeroUnits + '/' + p.units + '，' + pct(p.rate) + '（目标 ' + pct(p.target, 0) + '）'),
      );
      if (p.broken && p.broken.length) {
        li.appendChild(
          document.createTextNode(
            '；失零：' +
              p.broken
                .map(function (b) {
                  return (
                    b.unit.name +
                    '（' +
                    b.rules
                      .map(function (r) {
                        return ZERO[r] || r;
                      })
                      .join('、') +
                    '）'
                  );
                })
                .join('、'),
          ),
        );
      }
      li.title = li.textContent;
      notes.appendChild(li);
    });
  }

  function drawKinds(openByKind) {
    var values = {};
    openByKind.forEach(function (k) {
      values[k.kind] = k.count;
    });
    draw('kinds', values, {
      textStyle: TEXT,
      tooltip: {
        trigger: 'item',
        formatter: function (p) {
          return escapeHtml(p.name) + '：' + p.value + ' 件（' + p.percent + '%）';
        },
      },
      legend: { orient: 'vertical', right: 4, top: 'middle', textStyle: { color: '#9fb8dd', fontSize: 11 }, itemWidth: 10, itemHeight: 10 },
      color: ['#3ad1ff', '#2fd68a', '#ffb547', '#ff5d5d', '#a77bff', '#ff7ac6', '#5b8cff', '#9fb8dd'],
      series: [
        {
          type: 'pie',
          radius: ['42%', '72%'],
          center: ['36%', '52%'],
          label: { color: '#d6e6ff', formatter: '{c}', fontSize: 11 },
          data: openByKind.map(function (k) {
            return { name: KIND[k.kind] || k.kind, value: k.count };
          }),
        },
      ],
    });
  }

  function drawTrend(trend) {
    var values = {
      months: trend.map(function (t) {
        return t.month;
      }),
      reported: trend.map(function (t) {
        return t.reported;
      }),
      resolved: trend.map(function (t) {
        return t.resolved;
      }),
      responseRate: trend.map(function (t) {
        return pctValue(t.responseRate);
      }),
      onTimeRate: trend.map(function (t) {
        return pctValue(t.onTimeRate);
      }),
      satisfactionRate: trend.map(function (t) {
        return pctValue(t.satisfactionRate);
      }),
      zeroRate: trend.map(function (t) {
        return pctValue(t.zeroRate);
      }),
    };
    var line = function (name, data, color) {
      return {
        name: name,
        type: 'line',
        yAxisIndex: 1,
        smooth: true,
        symbolSize: 5,
        connectNulls: false,
        data: data,
        itemStyle: { color: color },
        lineStyle: { width: 2 },
      };
    };
    draw('trend', values, {
      textStyle: TEXT,
      grid: { left: 44, right: 50, top: 38, bottom: 28 },
      tooltip: {
        trigger: 'axis',
        valueFormatter: function (v) {
          return v == null ? '—' : String(v);
        },
      },
      legend: { top: 0, textStyle: { color: '#9fb8dd' }, itemWidth: 14, itemHeight: 8 },
      xAxis: Object.assign(
        {
          type: 'category',
          data: values.months.map(function (m) {
            return m.slice(2).replace('-', '/');
          }),
        },
        AXIS,
      ),
      yAxis: [
        Object.assign({ type: 'value', name: '件', nameTextStyle: { color: '#7f9cc4' }, minInterval: 1 }, AXIS),
        Object.assign({ type: 'value', name: '%', min: 0, max: 100, nameTextStyle: { color: '#7f9cc4' } }, AXIS, { splitLine: { show: false } }),
      ],
      series: [
        { name: '上报', type: 'bar', barMaxWidth: 16, data: values.reported, itemStyle: { color: '#2a7fff' } },
        { name: '办结', type: 'bar', barMaxWidth: 16, data: values.resolved, itemStyle: { color: '#2fd68a' } },
        line('响应率', values.responseRate, '#3ad1ff'),
        line('按期办结率', values.onTimeRate, '#ffb547'),
        line('满意率', values.satisfactionRate, '#ff7ac6'),
        line('创建率', values.zeroRate, '#ffffff'),
      ],
    });
  }

  function drawRanking(rows, level) {
    var none = $('ranking-none');
    var body = $('ranking-body');
    $('ranking-title').textContent = level ? LEVEL_NAME[level] + '排名' : '排名';
    $('ranking-hint').textContent = level ? '红色为低于目标；点击' + (level === 'COUNTY' ? '县区' : '乡镇') + '查看详情' : '';
    if (!level || !rows || !rows.length) {
      body.hidden = true;
      none.hidden = false;
      return;
    }
    body.hidden = false;
    none.hidden = true;
    var values = {
      level: level,
      ids: rows.map(function (r) {
        return r.unit.id;
      }),
      units: rows.map(function (r) {
        return r.unit.name;
      }),
      ranks: rows.map(function (r) {
        return r.rank;
      }),
      scores: rows.map(function (r) {
        return r.score;
      }),
      belowTarget: rows.map(function (r) {
        return r.belowTarget;
      }),
    };
    // Best at the top: the category axis runs upwards.
    var ordered = rows.slice().reverse();
    draw('ranking', values, {
      textStyle: TEXT,
      grid: { left: 8, right: 46, top: 6, bottom: 6, containLabel: true },
      tooltip: {
        trigger: 'item',
        formatter: function (p) {
          var r = ordered[p.dataIndex];
          return (
            '第 ' +
            r.rank +
            ' 名 ' +
            escapeHtml(r.unit.name) +
            '<br>综合得分 ' +
            r.score.toFixed(1) +
            (r.belowTarget ? '<br><span style="color:#ff5d5d">' + escapeHtml(belowText(r)) + '</span>' : '')
          );
        },
      },
      xAxis: Object.assign({ type: 'value', min: 0, max: 100 }, AXIS),
      yAxis: Object.assign(
        {
          type: 'category',
          data: ordered.map(function (r) {
            return r.unit.name;
          }),
        },
        AXIS,
        { axisLabel: { color: '#d6e6ff', fontSize: 11, interval: 0 } },
      ),
      series: [
        {
          type: 'bar',
          barMaxWidth: 14,
          cursor: 'pointer',
          data: ordered.map(function (r) {
            return {
              value: r.score,
              itemStyle: {
                color: r.belowTarget
                  ? '#ff5d5d'
                  : new echarts.graphic.LinearGradient(0, 0, 1, 0, [
                      { offset: 0, color: '#1667c9' },
                      { offset: 1, color: '#3ad1ff' },
                    ]),
              },
            };
          }),
          label: {
            show: true,
            position: 'right',
            color: '#d6e6ff',
            fontSize: 11,
            formatter: function (p) {
              return Number(p.value).toFixed(1);
            },
          },
        },
      ],
    });
    var instance = chart('ranking');
    instance.off('click');
    instance.on('click', function (p) {
      drill(ordered[p.dataIndex].unit);
    });

    var tbody = document.querySelector('#ranking-table tbody');
    tbody.textContent = '';
    rows.forEach(function (r) {
      var tr = el('tr', 'drill' + (r.belowTarget ? ' below' : ''));
      tr.setAttribute('data-unit-id', r.unit.id);
      tr.title = '查看' + r.unit.name;
      [r.rank, r.unit.name, r.score.toFixed(1), pct(r.zeroRate), pct(r.responseRate), pct(r.onTimeRate), pct(r.satisfactionRate), r.overdue].forEach(
        function (v) {
          tr.appendChild(el('td', null, v));
        },
      );
      if (r.belowTarget) tr.children[1].appendChild(el('span', 'below-note', belowText(r)));
      tr.addEventListener('click', function () {
        drill(r.unit);
      });
      tbody.appendChild(tr);
    });
  }

  /** Which categories put a region below target: 低于目标：村（社区）、企业. */
  function belowText(r) {
    return (
      '低于目标：' +
      (r.belowTargetIn || [])
        .map(function (c) {
          return CATEGORY[c] || c;
        })
        .join('、')
    );
  }

  /** A case in a list opens the workbench's case detail, in this tab (it reads this tab's login). */
  function caseLink(c, text) {
    var a = el('a', 'case-link', text);
    a.href = '/work#/case/' + encodeURIComponent(c.id);
    a.title = '打开案件 ' + c.number;
    return a;
  }

  // ---- lists and figures ----

  function figure(name, value) {
    var node = document.querySelector('[data-figure="' + name + '"]');
    if (node) node.textContent = value == null ? '—' : String(value);
  }

  function fillList(id, items, empty, build) {
    var ul = $(id);
    ul.textContent = '';
    if (!items.length) {
      ul.appendChild(el('li', 'empty', empty));
      return;
    }
    items.forEach(function (item) {
      ul.appendChild(build(item));
    });
  }

  function renderWarnings(d) {
    $('warnings-meta').textContent = d.warningsComputedAt
      ? '共 ' + d.warningCount + ' 条 · ' + dateTime.format(new Date(d.warningsComputedAt)) + ' 研判'
      : '预警尚未计算（每 5 分钟一次）';
    fillList('warnings', d.warnings, d.warningsComputedAt ? '暂无预警' : '等待首次研判', function (w) {
      var li = el('li');
      li.appendChild(el('span', 'tag ' + (w.rule === 'OPEN_EMERGENCY' || w.rule === 'LISTED_OVERDUE' ? 'red' : 'orange'), WARNING[w.rule] || w.rule));
      var main = el('span', 'main', w.unit.name + '：' + w.reason);
      main.title =
        w.unit.name +
        '：' +
        w.reason +
        (w.cases.length
          ? '\n' +
            w.cases
              .map(function (c) {
                return c.number + ' ' + c.title;
              })
              .join('\n')
          : '');
      li.appendChild(main);
      li.appendChild(el('span', 'side', w.caseCount + ' 件'));
      if (w.cases.length) {
        var cases = el('span', 'cases');
        w.cases.forEach(function (c) {
          cases.appendChild(caseLink(c, c.number));
        });
        li.appendChild(cases);
      }
      return li;
    });
  }

  function renderSupervision(d) {
    var now = Date.now();
    fillList('supervision', d.supervision, '暂无督办事项', function (c) {
      var li = el('li');
      li.appendChild(el('span', 'tag ' + (c.supervisionLevel === 'LISTED' ? 'red' : 'orange'), SUPERVISION[c.supervisionLevel] || c.supervisionLevel));
      var main = el('span', 'main');
      main.appendChild(el('span', 'num', c.number + ' '));
      main.appendChild(caseLink(c, c.title + ' · ' + c.unit.name));
      main.title = c.number + ' ' + c.title + ' · ' + c.unit.name;
      li.appendChild(main);
      var due = new Date(c.dueAt);
      var late = due.getTime() < now;
      li.appendChild(
        el('span', 'side' + (late ? ' overdue' : ''), late ? '超期 ' + Math.ceil((now - due.getTime()) / 86400000) + ' 天' : dateTime.format(due) + ' 到期'),
      );
      return li;
    });
  }

  function renderEmergencies(d) {
    var now = Date.now();
    fillList('emergencies', d.emergencies, '暂无未办结的紧急警情', function (c) {
      var li = el('li');
      li.appendChild(el('span', 'tag red', '特急'));
      var main = el('span', 'main');
      main.appendChild(el('span', 'num', c.number + ' '));
      main.appendChild(caseLink(c, c.title + ' · ' + c.unit.name));
      main.title = c.number + ' ' + c.title + ' · ' + c.unit.name;
      li.appendChild(main);
      var hours = Math.floor((now - new Date(c.reportedAt).getTime()) / 3600000);
      li.appendChild(el('span', 'side overdue', hours >= 48 ? '已 ' + Math.floor(hours / 24) + ' 天' : '已 ' + hours + ' 小时'));
      return li;
    });
  }

  /** A township's villages and communities with their zero status this month, and what broke it. */
  function renderVillages(region) {
    var panel = $('villages-panel');
    panel.hidden = !region;
    if (!region) return;
    $('ranking-none').hidden = true;
    fillList('villages', region.children, '本乡镇没有下级村（社区）', function (u) {
      var li = el('li');
      li.appendChild(el('span', 'tag ' + (u.zeroStatus.zero ? 'green' : 'red'), u.zeroStatus.zero ? '三零' : '未达标'));
      li.appendChild(el('span', 'main', u.name));
      li.appendChild(
        el(
          'span',
          'side' + (u.zeroStatus.zero ? '' : ' overdue'),
          u.zeroStatus.broken
            .map(function (r) {
              return '有' + (ZERO[r] || r).slice(1);
            })
            .join('、') || '—',
        ),
      );
      return li;
    });
  }

  function renderLetters(connection) {
    var region = current();
    var ids = state.stack.map(function (u) {
      return u.id;
    });
    var letters = connection.edges
      .map(function (e) {
        return e.node;
      })
      .filter(function (l) {
        // A city sees all its counties' letters; a county (or below) the letters to itself.
        return region.kind === 'CITY' || ids.indexOf(l.region.id) >= 0;
      });
    fillList('letters', letters, '暂无风险提示函', function (l) {
      var li = el('li');
      li.setAttribute('data-letter-id', String(l.id));
      li.appendChild(el('span', 'tag red', monthLabel(l.month)));
      var main = el('span', 'main', l.region.name + ' · 第 ' + l.rank + '/' + l.of + ' 名 · ' + l.score.toFixed(1) + ' 分');
      li.appendChild(main);
      var button = el('button', 'print', '打印');
      button.type = 'button';
      button.addEventListener('click', function () {
        openLetter(l.url);
      });
      li.appendChild(button);
      return li;
    });
  }

  function render(data, level) {
    var d = data.dashboard;
    // The officer's own unit as the API names it (a stored view may hold an older name).
    var top = current();
    top.name = d.unit.name;
    top.kind = d.unit.kind;
    renderCrumbs();
    $('base-month').textContent = monthLabel(d.month);
    $('ledger-region').textContent = d.unit.name;

    var counts = {};
    d.base.unitsByCategory.forEach(function (c) {
      counts[c.category] = c.count;
    });
    CATEGORIES.forEach(function (c) {
      figure('units-' + c, counts[c] || 0);
    });
    ['openCases', 'openHazards', 'openEmergencies', 'listed', 'reportedInMonth'].forEach(function (k) {
      figure(k, d.base[k]);
    });
    figure('stock', d.stock.stock);
    figure('cleared', d.stock.cleared);
    figure('clearanceRate', pct(d.stock.clearanceRate));
    figure('increments', d.stock.increments);
    $('baseline-note').textContent = d.stock.baselineDate ? '创建基线日期 ' + d.stock.baselineDate + '：此前未结案件计为存量' : '尚未设定创建基线日期';
    $('exemplary-note').textContent =
      '示范单位（连续 ' +
      d.exemplary.months +
      ' 个月“三零”）' +
      d.exemplary.count +
      ' 个' +
      (d.exemplary.units.length
        ? '：' +
          d.exemplary.units
            .map(function (u) {
              return u.name;
            })
            .join('、') +
          (d.exemplary.count > d.exemplary.units.length ? ' 等' : '')
        : '');

    drawProgress(d.progress);
    drawKinds(d.base.openByKind);
    drawTrend(d.trend);
    drawRanking(data.rankings, level);
    renderVillages(data.villages);
    renderWarnings(d);
    renderSupervision(d);
    renderEmergencies(d);
    renderLetters(data.warningLetters);
  }

  // ---- downloads ----

  function fileName(disposition, fallback) {
    var m = /filename\*=UTF-8''([^;]+)/i.exec(disposition || '');
    if (m) {
      try {
        return decodeURIComponent(m[1]);
      } catch (e) {
        /* fall through */
      }
    }
    m = /filename="([^"]+)"/i.exec(disposition || '');
    return m ? m[1] : fallback;
  }

  function errorOf(res) {
    return res.json().then(
      function (b) {
        return b.error || res.statusText;
      },
      function () {
        return '服务器返回 ' + res.status;
      },
    );
  }

  function ledger(format) {
    var msg = $('ledger-msg');
    var from = $('ledger-from').value;
    var to = $('ledger-to').value;
    if (!from || !to) {
      msg.className = 'ledger-msg error';
      msg.textContent = '请选择起止月份';
      return;
    }
    if (from > to) {
      msg.className = 'ledger-msg error';
      msg.textContent = '起始月份不能晚于截止月份';
      return;
    }
    var buttons = [$('ledger-csv'), $('ledger-xlsx')];
    buttons.forEach(function (b) {
      b.disabled = true;
    });
    msg.className = 'ledger-msg';
    msg.textContent = '正在生成台账…';
    var params = new URLSearchParams({ unitId: current().id, from: from, to: to });
    fetch('/ledger.' + format + '?' + params.toString(), { headers: bearer() })
      .then(function (res) {
        if (res.status === 401) {
          showLogin('登录已失效，请重新登录');
          return;
        }
        if (!res.ok) {
          return errorOf(res).then(function (text) {
            msg.className = 'ledger-msg error';
            msg.textContent = '下载失败：' + text;
          });
        }
        var name = fileName(res.headers.get('content-disposition'), '台账.' + format);
        return res.blob().then(function (blob) {
          var url = URL.createObjectURL(blob);
          var a = document.createElement('a');
          a.href = url;
          a.download = name;
          document.body.appendChild(a);
          a.click();
          a.remove();
          setTimeout(function () {
            URL.revokeObjectURL(url);
          }, 60000);
          msg.textContent = '已下载 ' + name;
        });
      })
      .catch(function () {
        msg.className = 'ledger-msg error';
        msg.textContent = '下载失败：无法连接服务器';
      })
      .then(function () {
        buttons.forEach(function (b) {
          b.disabled = false;
        });
      });
  }

  function openLetter(url) {
    // The window opens within the click (no popup blocker), the letter arrives after the fetch.
    var win = window.open('', '_blank');
    if (!win) {
      setStatus('浏览器拦截了新窗口，请允许本站弹出窗口', true);
      return;
    }
    win.document.title = '正在打开风险提示函…';
    fetch(url, { headers: bearer() })
      .then(function (res) {
        if (!res.ok)
          return errorOf(res).then(function (text) {
            throw new Error(text);
          });
        return res.text();
      })
      .then(function (html) {
        // Written into the window this page opened: it runs no script of its own (the page's policy
        // allows none inline), so its print button is wired from here.
        win.document.open();
        win.document.write(html);
        win.document.close();
        var print = win.document.querySelector('button.print');
        if (print)
          print.addEventListener('click', function () {
            win.print();
          });
      })
      .catch(function (err) {
        win.close();
        setStatus('打开风险提示函失败：' + err.message, true);
      });
  }

  // ---- start ----

  function openExplorer(event) {
    // A window opened by script gets a copy of this tab's session, so the explorer finds the token.
    event.preventDefault();
    window.open('/graphql', '_blank');
  }

  function restore() {
    var s = storage();
    state.token = s && s.getItem(TOKEN_KEY);
    try {
      state.officer = s && JSON.parse(s.getItem(OFFICER_KEY) || 'null');
    } catch (e) {
      state.officer = null;
    }
    if (!state.token || !state.officer) return showLogin('');
    var view = null;
    try {
      view = JSON.parse(s.getItem(VIEW_KEY) || 'null');
    } catch (e) {
      view = null;
    }
    var own = state.officer.unit;
    state.stack = view && view.stack && view.stack.length && view.stack[0].id === own.id ? view.stack : [own];
    state.month = view && /^\d{4}-\d{2}$/.test(view.month || '') ? view.month : currentMonth();
    enter();
  }

  $('login-form').addEventListener('submit', login);
  $('logout').addEventListener('click', logout);
  $('back').addEventListener('click', function () {
    goTo(state.stack.length - 2);
  });
  $('month').addEventListener('change', function () {
    var m = $('month').value;
    if (!/^\d{4}-\d{2}$/.test(m)) return;
    state.month = m;
    saveView();
    load();
  });
  $('ledger-csv').addEventListener('click', function () {
    ledger('csv');
  });
  $('ledger-xlsx').addEventListener('click', function () {
    ledger('xlsx');
  });
  Array.prototype.forEach.call(document.querySelectorAll('.explorer-link'), function (a) {
    a.addEventListener('click', openExplorer);
  });
  window.addEventListener('resize', function () {
    for (var name in state.charts) state.charts[name].chart.resize();
    // The gauges' size is worked out from the container's.
    if (state.data) drawProgress(state.data.dashboard.progress);
  });
  restore();
})();
