// AccuScene live dashboard. Written for this project; no dependencies.
// Every value reaches the page through textContent or an SVG attribute, never as markup.
(function () {
  'use strict';

  var base = document.body.getAttribute('data-base') || '';
  var svgNs = 'http://www.w3.org/2000/svg';
  var windows = { '5m': 5 * 60 * 1000, '1h': 60 * 60 * 1000, '24h': 24 * 60 * 60 * 1000 };
  var refreshEvery = { '1h': 10000, '24h': 60000 };
  var state = { range: '5m', model: null, history: {}, widgets: [], source: null, refresh: null, token: sessionStorage.getItem('accuscene-token') || '' };

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function svg(tag, attributes) {
    var node = document.createElementNS(svgNs, tag);
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, String(attributes[name])); });
    return node;
  }

  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } }

  function format(value, scale) {
    if (value === null || value === undefined || !isFinite(value)) { return '\u2013'; }
    var v = value * (scale || 1);
    var a = Math.abs(v);
    if (a >= 1e6) { return (v / 1e6).toFixed(1) + 'M'; }
    if (a >= 1e4) { return (v / 1e3).toFixed(1) + 'k'; }
    if (a >= 100) { return v.toFixed(0); }
    if (a >= 1) { return v.toFixed(2); }
    return v.toPrecision(2);
  }

  function time(ms) { return new Date(ms).toLocaleTimeString(); }

  function allMetrics(model) {
    var s = model.sections;
    return [].concat(s.system.metrics, s.simulation.metrics, s.database.metrics, s.cache.metrics, s.api.metrics, s.health.metrics, s.other.metrics);
  }

  function metricByName(name) {
    if (!state.model) { return null; }
    var found = null;
    allMetrics(state.model).forEach(function (m) { if (m.name === name) { found = m; } });
    return found;
  }

  // History per metric, kept in columns like the model's.
  function loadHistory(model) {
    state.history = {};
    allMetrics(model).forEach(function (m) {
      if (m.history) {
        state.history[m.name] = {
          time: m.history.time.slice(), value: m.history.value.slice(), rate: m.history.rate.slice(),
          p50: m.history.p50.slice(), p95: m.history.p95.slice(), p99: m.history.p99.slice()
        };
      }
    });
  }

  function appendHistory(update) {
    allMetrics(update).forEach(function (m) {
      if (!m.history || m.history.time.length === 0) { return; }
      var h = state.history[m.name];
      if (!h) { h = state.history[m.name] = { time: [], value: [], rate: [], p50: [], p95: [], p99: [] }; }
      for (var i = 0; i < m.history.time.length; i++) {
        var t = m.history.time[i];
        if (h.time.length > 0 && t <= h.time[h.time.length - 1]) { continue; }
        ['value', 'rate', 'p50', 'p95', 'p99'].forEach(function (k) { h[k].push(m.history[k][i]); });
        h.time.push(t);
      }
      var oldest = h.time[h.time.length - 1] - windows['5m'];
      while (h.time.length > 0 && h.time[0] < oldest) {
        ['time', 'value', 'rate', 'p50', 'p95', 'p99'].forEach(function (k) { h[k].shift(); });
      }
    });
  }

  function lineChart(widget, body) {
    clear(body);
    var width = 600, height = 180, left = 44, right = 8, top = 8, bottom = 18;
    var chart = svg('svg', { viewBox: '0 0 ' + width + ' ' + height, preserveAspectRatio: 'none', 'class': 'chart', role: 'img', 'aria-label': widget.title });
    var lines = widget.series.map(function (s) {
      var h = state.history[s.metric];
      // [time, value] pairs; a missing value is kept as null, so the line breaks there instead of bridging the gap.
      var points = [];
      if (h) {
        for (var i = 0; i < h.time.length; i++) {
          var v = h[s.stat][i];
          points.push([h.time[i], v !== null && v !== undefined && isFinite(v) ? v * s.scale : null]);
        }
      }
      return points;
    });
    var all = [].concat.apply([], lines).filter(function (p) { return p[1] !== null; });
    var now = all.length ? Math.max.apply(null, all.map(function (p) { return p[0]; })) : Date.now();
    // The range, or less while the history is younger than it, so a new process's first points are readable.
    var earliest = all.length ? Math.min.apply(null, all.map(function (p) { return p[0]; })) : now;
    var from = Math.max(now - windows[state.range], Math.min(earliest, now - 60 * 1000));
    var max = all.length ? Math.max.apply(null, all.map(function (p) { return p[1]; })) : 1;
    var min = all.length ? Math.min(0, Math.min.apply(null, all.map(function (p) { return p[1]; }))) : 0;
    if (max <= min) { max = min + 1; }
    max = max * 1.1;
    function x(t) { return left + (width - left - right) * (t - from) / (now - from || 1); }
    function y(v) { return top + (height - top - bottom) * (1 - (v - min) / (max - min)); }
    [0, 0.5, 1].forEach(function (f) {
      var v = min + (max - min) * f;
      chart.appendChild(svg('line', { x1: left, x2: width - right, y1: y(v), y2: y(v), 'class': f === 0 ? 'axis' : 'grid-line' }));
      var label = svg('text', { x: left - 4, y: y(v) + 3, 'text-anchor': 'end' });
      label.textContent = format(v, 1);
      chart.appendChild(label);
    });
    var start = svg('text', { x: left, y: height - 4 });
    start.textContent = time(from);
    chart.appendChild(start);
    var end = svg('text', { x: width - right, y: height - 4, 'text-anchor': 'end' });
    end.textContent = time(now);
    chart.appendChild(end);
    var drawn = 0;
    lines.forEach(function (points, index) {
      var d = [];
      var gap = true;
      var count = 0;
      points.forEach(function (p) {
        if (p[0] < from || p[1] === null) { gap = true; return; }
        d.push((gap ? 'M' : 'L') + x(p[0]).toFixed(1) + ' ' + y(p[1]).toFixed(1));
        gap = false;
        count++;
      });
      if (count === 0) { return; }
      chart.appendChild(svg('path', { d: d.join(' '), 'class': 's' + index, 'data-series': widget.series[index].label }));
      drawn += count;
    });
    chart.setAttribute('data-points', String(drawn));
    body.appendChild(chart);
    if (drawn === 0) { body.appendChild(el('div', 'empty', 'no data yet')); }
    var legend = el('div', 'legend');
    widget.series.forEach(function (s, index) {
      var m = metricByName(s.metric);
      var item = el('span', 'swatch s' + index, s.label + ' ' + format(m ? m[s.stat] : null, s.scale) + (widget.unit ? ' ' + widget.unit : ''));
      legend.appendChild(item);
    });
    body.appendChild(legend);
  }

  function statWidget(widget, body) {
    clear(body);
    var s = widget.series[0];
    var m = metricByName(s.metric);
    var value = el('span', 'value', format(m ? m[s.stat] : null, s.scale));
    body.appendChild(value);
    if (widget.unit) { body.appendChild(el('span', 'unit', widget.unit)); }
  }

  function tableWidget(widget, body) {
    clear(body);
    var table = el('table');
    var head = el('tr');
    head.appendChild(el('th', null, widget.group_by || 'metric'));
    widget.series.forEach(function (s) { head.appendChild(el('th', null, s.label + (widget.unit ? ' (' + widget.unit + ')' : ''))); });
    table.appendChild(head);
    var rows = [];
    if (widget.group_by) {
      (state.model.tables || []).forEach(function (t) {
        if (t.widget === widget.id) { rows = t.rows.map(function (r) { return { label: r.label, data: r }; }); }
      });
    } else {
      rows = widget.series.map(function (s) { return { label: s.metric, data: metricByName(s.metric) || {} }; });
    }
    rows.forEach(function (row) {
      var tr = el('tr');
      tr.appendChild(el('td', 'label', row.label));
      widget.series.forEach(function (s) { tr.appendChild(el('td', 'num', format(row.data[s.stat], s.scale))); });
      table.appendChild(tr);
    });
    body.appendChild(table);
    if (rows.length === 0) { body.appendChild(el('div', 'empty', 'no data yet')); }
  }

  function healthWidget(widget, body) {
    clear(body);
    var health = state.model.sections.health;
    if (!health.status) { body.appendChild(el('div', 'empty', 'no health checks registered')); return; }
    var overall = el('div', 'overall');
    overall.appendChild(el('span', 'status status-' + health.status));
    overall.appendChild(el('strong', null, health.status));
    body.appendChild(overall);
    var table = el('table');
    health.checks.forEach(function (c) {
      var tr = el('tr');
      var name = el('td', 'nowrap');
      name.appendChild(el('span', 'status status-' + c.status));
      name.appendChild(document.createTextNode(c.name));
      tr.appendChild(name);
      tr.appendChild(el('td', 'nowrap', c.status));
      tr.appendChild(el('td', 'num nowrap', c.duration_ms === null ? '' : format(c.duration_ms, 1) + ' ms'));
      tr.appendChild(el('td', null, c.description || ''));
      table.appendChild(tr);
    });
    body.appendChild(table);
  }

  function acknowledge(alert, button) {
    button.disabled = true;
    var headers = { 'Content-Type': 'application/json' };
    if (state.token) { headers.Authorization = 'Bearer ' + state.token; }
    fetch(base + '/alerts/' + encodeURIComponent(alert.id) + '/ack', {
      method: 'POST', headers: headers, body: JSON.stringify({ by: 'dashboard' }), credentials: 'same-origin'
    }).then(function (response) {
      if (response.ok) {
        message('');
        alert.acknowledged_by = 'dashboard';
        button.textContent = 'acknowledged';
        return;
      }
      button.disabled = false;
      if (response.status === 401 || response.status === 403) { document.getElementById('token-row').hidden = false; }
      return response.text().then(function (text) { message('Acknowledge failed (' + response.status + '): ' + text); });
    }).catch(function (error) { button.disabled = false; message('Acknowledge failed: ' + error); });
  }

  function alertsWidget(widget, body) {
    clear(body);
    var alerts = state.model.sections.alerts;
    if (!alerts.configured) { body.appendChild(el('div', 'empty', 'no alert rules configured')); return; }
    if (alerts.active.length === 0) { body.appendChild(el('div', 'empty', 'no active alerts')); return; }
    var table = el('table', 'alerts');
    alerts.active.forEach(function (a) {
      var tr = el('tr');
      tr.setAttribute('data-alert-id', a.id);
      tr.appendChild(el('td', 'sev-' + a.severity, a.severity));
      tr.appendChild(el('td', null, a.rule));
      tr.appendChild(el('td', null, a.state));
      tr.appendChild(el('td', null, a.summary || format(a.value, 1)));
      var cell = el('td');
      var button = el('button', 'ack', a.acknowledged_by ? 'acknowledged' : 'Acknowledge');
      button.type = 'button';
      button.disabled = !!a.acknowledged_by;
      button.addEventListener('click', function () { acknowledge(a, button); });
      cell.appendChild(button);
      tr.appendChild(cell);
      table.appendChild(tr);
    });
    body.appendChild(table);
  }

  function eventsWidget(widget, body) {
    clear(body);
    var events = state.model.sections.events.recent;
    if (events.length === 0) { body.appendChild(el('div', 'empty', 'no events yet')); return; }
    var table = el('table', 'events');
    events.forEach(function (e) {
      var tr = el('tr');
      tr.appendChild(el('td', 'nowrap', time(Date.parse(e.time))));
      tr.appendChild(el('td', 'nowrap sev-' + e.severity, e.severity));
      tr.appendChild(el('td', 'nowrap', e.category));
      tr.appendChild(el('td', null, e.message));
      table.appendChild(tr);
    });
    body.appendChild(table);
  }

  var renderers = { line: lineChart, stat: statWidget, table: tableWidget, health: healthWidget, alerts: alertsWidget, events: eventsWidget };

  function build(model) {
    var main = document.getElementById('widgets');
    clear(main);
    state.widgets = model.layout.map(function (w) {
      var section = el('section', 'widget widget-' + w.type + (w.type === 'events' || w.type === 'alerts' ? ' widget-wide' : ''));
      section.id = w.id;
      section.appendChild(el('h2', null, w.title));
      var body = el('div', 'body');
      section.appendChild(body);
      main.appendChild(section);
      return { model: w, body: body };
    });
    document.getElementById('title').textContent = model.title;
    document.getElementById('service').textContent = model.service;
    document.title = model.title + ' \u2013 ' + model.service;
  }

  function render() {
    state.widgets.forEach(function (w) {
      var renderer = renderers[w.model.type];
      if (renderer) { renderer(w.model, w.body); }
    });
    document.getElementById('updated').textContent = 'sample ' + state.model.sample + ' at ' + time(Date.parse(state.model.generated_at));
  }

  function message(text) { document.getElementById('message').textContent = text; }

  function connection(text, kind) {
    var badge = document.getElementById('connection');
    badge.textContent = text;
    badge.className = 'badge badge-' + kind;
  }

  function load() {
    return fetch(base + '/data?range=' + encodeURIComponent(state.range), { cache: 'no-store' })
      .then(function (response) {
        if (!response.ok) { throw new Error('HTTP ' + response.status); }
        return response.json();
      })
      .then(function (model) {
        var first = state.model === null;
        state.model = model;
        loadHistory(model);
        if (first) { build(model); }
        render();
      })
      .catch(function (error) { message('Could not load the dashboard data: ' + error.message); });
  }

  function stream() {
    if (state.source) { state.source.close(); }
    var source = new EventSource(base + '/stream');
    state.source = source;
    var lost = false;
    source.addEventListener('open', function () {
      connection('live', 'ok');
      if (lost) { load(); }
      lost = false;
    });
    source.addEventListener('update', function (event) {
      var update = JSON.parse(event.data);
      if (!state.model) { return; }
      var missed = update.sample > state.model.sample + 1;
      state.model = update;
      if (state.range === '5m' && missed) {
        // Updates carry the newest point only: after a gap (a slower stream, a lost connection) reload the history.
        load();
        return;
      }
      if (state.range === '5m') { appendHistory(update); }
      render();
    });
    source.addEventListener('error', function () {
      lost = true;
      connection('reconnecting', 'bad');
      if (source.readyState === EventSource.CLOSED) {
        // The server refused or ended the stream for good; try again from scratch.
        setTimeout(stream, 3000);
      }
    });
  }

  function selectRange(range) {
    state.range = range;
    Array.prototype.forEach.call(document.querySelectorAll('.ranges button'), function (b) {
      b.classList.toggle('active', b.getAttribute('data-range') === range);
    });
    if (state.refresh) { clearInterval(state.refresh); state.refresh = null; }
    if (refreshEvery[range]) { state.refresh = setInterval(load, refreshEvery[range]); }
    load();
  }

  Array.prototype.forEach.call(document.querySelectorAll('.ranges button'), function (b) {
    b.addEventListener('click', function () { selectRange(b.getAttribute('data-range')); });
  });
  document.getElementById('token').addEventListener('change', function (event) {
    state.token = event.target.value;
    sessionStorage.setItem('accuscene-token', state.token);
  });

  load().then(stream);
}());
