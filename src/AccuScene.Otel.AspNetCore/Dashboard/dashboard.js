// AccuScene live dashboard. Written for this project; no dependencies.
// Every value reaches the page through textContent or an SVG attribute, never as markup.
(function () {
  'use strict';

  var base = document.body.getAttribute('data-base') || '';
  var svgNs = 'http://www.w3.org/2000/svg';
  var windows = { '5m': 5 * 60 * 1000, '1h': 60 * 60 * 1000, '24h': 24 * 60 * 60 * 1000 };
  var refreshEvery = { '1h': 10000, '24h': 60000 };
  var state = { range: '5m', model: null, history: {}, widgets: [], source: null, refresh: null, hover: null, loads: 0, loading: false, token: stored() };
  // The most samples a live chart may miss before its history is loaded again.
  var MaxGap = 5;
  // The wait before opening a refused stream again: doubled after each refusal, reset once a stream opens.
  var RetryFirst = 3000;
  var RetryMost = 60000;
  state.retry = RetryFirst;

  // A browser that blocks site storage throws on sessionStorage: the page works without a remembered token.
  function stored() {
    try { return sessionStorage.getItem('accuscene-token') || ''; } catch (e) { return ''; }
  }

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

  // Series differ by line style as well as by colour, so they stay apart without colour: the legend and the
  // tooltip show each one's line and marker.
  function seriesClass(index) { return 's' + index + ' d' + (index % 4); }

  function lineKey(index) {
    var k = svg('svg', { width: 18, height: 8, 'class': 'key', 'aria-hidden': 'true' });
    k.appendChild(svg('line', { x1: 0, y1: 4, x2: 18, y2: 4, 'class': seriesClass(index) }));
    k.appendChild(marker(index, 9, 4));
    return k;
  }

  // A point drawn alone (gaps on both sides) has no line to show its style: each series has a marker shape of its
  // own instead (circle, square, triangle, diamond, in turn), shown in the legend's key too.
  function marker(index, x, y) {
    var r = 2.5;
    var shape = index % 4;
    var className = 'dot s' + index;
    if (shape === 0) { return svg('circle', { cx: x, cy: y, r: r, 'class': className }); }
    if (shape === 1) { return svg('rect', { x: x - r, y: y - r, width: 2 * r, height: 2 * r, 'class': className }); }
    var points = shape === 2
      ? [[x, y - r - 0.5], [x + r + 0.5, y + r], [x - r - 0.5, y + r]]
      : [[x, y - r - 0.5], [x + r + 0.5, y], [x, y + r + 0.5], [x - r - 0.5, y]];
    return svg('polygon', { points: points.map(function (p) { return Number(p[0]).toFixed(1) + ',' + Number(p[1]).toFixed(1); }).join(' '), 'class': className });
  }

  function keyed(className, index, text) {
    var node = el('div', className);
    node.appendChild(lineKey(index));
    node.appendChild(document.createTextNode(text));
    return node;
  }

  // Units. A widget's unit names what its scaled values are in ("ms" for seconds times 1000); the page turns
  // them back into the base unit and picks the unit that reads best for the values shown: 2.4 µs, not 0.0024 ms.
  var timeUnits = [['ns', 1e-9], ['\u00b5s', 1e-6], ['ms', 1e-3], ['s', 1]];
  var byteUnits = [['B', 1], ['KiB', 1024], ['MiB', 1048576], ['GiB', 1073741824]];
  var timeFactor = { ns: 1e-9, us: 1e-6, '\u00b5s': 1e-6, ms: 1e-3, s: 1 };
  // By, KiBy, MiBy, GiBy: the UCUM spellings OpenTelemetry's units use.
  var byteFactor = { B: 1, KiB: 1024, MiB: 1048576, GiB: 1073741824, By: 1, KiBy: 1024, MiBy: 1048576, GiBy: 1073741824 };

  function units(unit) {
    if (unit && timeFactor[unit]) { return { family: timeUnits, base: timeFactor[unit] }; }
    if (unit && byteFactor[unit]) { return { family: byteUnits, base: byteFactor[unit] }; }
    return { family: null, base: 1, unit: unit || '' };
  }

  // The display unit for values up to maxAbs (in the widget's unit): { unit, factor } with display = value * factor.
  function displayUnit(unit, maxAbs) {
    var u = units(unit);
    if (!u.family) {
      var a = Math.abs(maxAbs || 0);
      if (a >= 1e9) { return { unit: 'G' + pad(u.unit), factor: 1e-9, prefix: true }; }
      if (a >= 1e6) { return { unit: 'M' + pad(u.unit), factor: 1e-6, prefix: true }; }
      if (a >= 1e4) { return { unit: 'k' + pad(u.unit), factor: 1e-3, prefix: true }; }
      return { unit: u.unit, factor: 1 };
    }
    var baseMax = Math.abs(maxAbs || 0) * u.base;
    // Nothing to scale by (all zero): keep the widget's own unit rather than the smallest one.
    var chosen = u.family.filter(function (f) { return Math.abs(f[1] - u.base) < f[1] * 1e-9; })[0] || u.family[0];
    if (baseMax > 0) {
      chosen = u.family[0];
      u.family.forEach(function (f) { if (baseMax >= f[1]) { chosen = f; } });
    }
    return { unit: chosen[0], factor: u.base / chosen[1] };
  }

  function pad(unit) { return unit && unit.charAt(0) !== '/' && unit !== '%' ? ' ' + unit : unit; }

  function number(v, step) {
    if (v === null || v === undefined || !isFinite(v)) { return '\u2013'; }
    if (step && Math.abs(v) < step * 1e-6) { v = 0; } // a tick summed to 1e-23 is the zero tick
    // Past six decimals, fixed digits would read 0.000000: two significant digits (or as many as the step needs).
    if (v !== 0 && (step ? step < 1e-6 : Math.abs(v) < 1e-5)) {
      var precise = step ? Math.floor(Math.log10(Math.abs(v))) - Math.floor(Math.log10(step) + 1e-9) : 1;
      return v.toExponential(Math.max(1, Math.min(6, precise)));
    }
    var digits = step ? Math.max(0, Math.min(6, -Math.floor(Math.log10(step) + 1e-9))) : null;
    if (digits === null) {
      var a = Math.abs(v);
      // Two significant digits at least, so 0.004/s reads 0.0040/s, not 0.00/s.
      digits = a >= 100 || a === 0 ? 0 : a >= 10 ? 1 : a >= 0.1 ? 2 : Math.min(6, 1 - Math.floor(Math.log10(a)));
    }
    return v.toFixed(digits);
  }

  // "2.4 µs", "97 %", "3.3 M steps/s": a value in the widget's unit, with the unit that reads best.
  function withUnit(value, unit) {
    if (value === null || value === undefined || !isFinite(value)) { return '\u2013'; }
    var d = displayUnit(unit, value);
    var text = number(value * d.factor);
    if (!d.unit) { return text; }
    return text + (d.unit === '%' || d.unit.charAt(0) === '/' ? '' : ' ') + d.unit;
  }

  function format(value, scale, unit) {
    if (value === null || value === undefined || !isFinite(value)) { return '\u2013'; }
    return withUnit(value * (scale || 1), unit);
  }

  // Tick values at 1, 2 or 5 times a power of ten: about four of them between min and max.
  function ticks(min, max) {
    var raw = (max - min) / 4 || 1;
    var power = Math.pow(10, Math.floor(Math.log10(raw)));
    var step = [1, 2, 5, 10].map(function (m) { return m * power; }).filter(function (s) { return s >= raw; })[0];
    var first = Math.floor(min / step) * step;
    var values = [];
    for (var v = first; v <= max + step * 1e-9 && values.length < 12; v += step) { values.push(v); }
    if (values[values.length - 1] < max) { values.push(values[values.length - 1] + step); }
    return { values: values, step: step };
  }

  function pad2(n) { return (n < 10 ? '0' : '') + n; }

  function time(ms) {
    var d = new Date(ms);
    return pad2(d.getHours()) + ':' + pad2(d.getMinutes()) + ':' + pad2(d.getSeconds());
  }

  // A moment in a table, a tooltip or a link: its date too when it is not today (an event or an alert of
  // yesterday, a point of the 24 h range before midnight). Axis labels keep the time alone.
  function when(ms) {
    var d = new Date(ms);
    var today = new Date().toDateString() === d.toDateString();
    return (today ? '' : d.getFullYear() + '-' + pad2(d.getMonth() + 1) + '-' + pad2(d.getDate()) + ' ') + time(ms);
  }

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

  // The most history points a metric of the update carries (0 when none is charted).
  function carried(update) {
    var most = 0;
    allMetrics(update).forEach(function (m) {
      if (m.history && m.history.time.length > most) { most = m.history.time.length; }
    });
    return most;
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

  // The sum of a metric's rate over the last minute of history (rates are per second, one point per interval).
  function rateSum(name, since) {
    var h = state.history[name];
    var sum = 0;
    var seen = false;
    if (!h) { return null; }
    for (var i = 0; i < h.time.length; i++) {
      if (h.time[i] > since && h.rate[i] !== null && isFinite(h.rate[i])) { sum += h.rate[i]; seen = true; }
    }
    return seen ? sum : null;
  }

  // A series' current number: its stat, or with "per" its rate over the summed rate of those metrics in the last minute.
  function current(s) {
    if (s.per && s.per.length) {
      var newest = 0;
      Object.keys(state.history).forEach(function (k) { var t = state.history[k].time; if (t.length) { newest = Math.max(newest, t[t.length - 1]); } });
      var since = newest - 60 * 1000;
      var top = rateSum(s.metric, since);
      var bottom = 0;
      s.per.forEach(function (p) { bottom += rateSum(p, since) || 0; });
      return bottom > 0 ? (top || 0) / bottom : null;
    }
    var m = metricByName(s.metric);
    return m ? m[s.stat] : null;
  }

  function isPercentile(s) { return s.stat === 'p50' || s.stat === 'p95' || s.stat === 'p99'; }

  // A series' current number as text; a percentile interpolated inside buckets is marked approximate.
  function displayed(s, widget) {
    var m = isPercentile(s) ? metricByName(s.metric) : null;
    var text = format(current(s), s.scale, widget.unit);
    return m && m.percentile_source === 'buckets' && current(s) !== null ? '\u2248 ' + text : text;
  }

  // Under a chart or stat with percentiles: where they came from, and the bound when it is the sketch.
  function percentileNote(widget, body) {
    var s = widget.series.filter(isPercentile)[0];
    var m = s ? metricByName(s.metric) : null;
    if (!m || !m.percentile_source) { return; }
    var sketch = m.percentile_source === 'sketch';
    var bound = sketch && m.percentile_relative_error ? ' (within \u00b1' + Math.round(m.percentile_relative_error * 1000) / 10 + '%)' : '';
    var note = el('div', 'percentile-source', sketch
      ? 'percentiles from the in-process sketch' + bound
      : 'percentiles approximate (\u2248): interpolated inside histogram buckets');
    note.setAttribute('data-source', m.percentile_source);
    body.appendChild(note);
  }

  function lineChart(widget, body) {
    clear(body);
    var width = Math.max(240, Math.floor(body.clientWidth || 360)), height = 190, left = 56, right = 10, top = 22, bottom = 24;
    var chart = svg('svg', { width: width, height: height, viewBox: '0 0 ' + width + ' ' + height, 'class': 'chart', role: 'img', 'aria-label': widget.title });
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
    // The right edge is when the model was made, not the newest point: a metric that stopped reporting shows as
    // empty space up to now, rather than its last five minutes passed off as current.
    var generated = Date.parse(state.model.generated_at);
    var newest = all.length ? Math.max.apply(null, all.map(function (p) { return p[0]; })) : Date.now();
    var now = isFinite(generated) ? Math.max(generated, newest) : newest;
    // The range, or less while the history is younger than it, so a new process's first points are readable.
    var earliest = all.length ? Math.min.apply(null, all.map(function (p) { return p[0]; })) : now;
    var from = Math.max(now - windows[state.range], Math.min(earliest, now - 60 * 1000));
    var shown = all.filter(function (p) { return p[0] >= from; });
    var rawMax = shown.length ? Math.max.apply(null, shown.map(function (p) { return p[1]; })) : 1;
    var rawMin = shown.length ? Math.min(0, Math.min.apply(null, shown.map(function (p) { return p[1]; }))) : 0;
    var unit = displayUnit(widget.unit, Math.max(Math.abs(rawMax), Math.abs(rawMin)) || (shown.length ? 0 : 1));
    var scale = ticks(rawMin * unit.factor, (rawMax > rawMin ? rawMax : rawMin + 1) * unit.factor);
    var min = scale.values[0], max = scale.values[scale.values.length - 1];
    function x(t) { return left + (width - left - right) * (t - from) / (now - from || 1); }
    function y(v) { return top + (height - top - bottom) * (1 - (v * unit.factor - min) / (max - min)); }
    function yd(d) { return top + (height - top - bottom) * (1 - (d - min) / (max - min)); }
    var axisUnit = svg('text', { x: 4, y: 13, 'text-anchor': 'start', 'class': 'axis-unit' });
    axisUnit.textContent = unit.unit || '';
    chart.appendChild(axisUnit);
    scale.values.forEach(function (d, i) {
      chart.appendChild(svg('line', { x1: left, x2: width - right, y1: yd(d), y2: yd(d), 'class': i === 0 ? 'axis' : 'grid-line' }));
      var label = svg('text', { x: left - 6, y: yd(d) + 4, 'text-anchor': 'end', 'class': 'tick' });
      label.textContent = number(d, scale.step);
      chart.appendChild(label);
    });
    var labels = width < 320 ? 4 : 5;
    for (var k = 0; k < labels; k++) {
      var t = from + (now - from) * k / (labels - 1);
      var anchor = k === 0 ? 'start' : k === labels - 1 ? 'end' : 'middle';
      var tl = svg('text', { x: x(t), y: height - 6, 'text-anchor': anchor, 'class': 'tick time' });
      tl.textContent = time(t);
      chart.appendChild(tl);
    }
    var drawn = 0;
    lines.forEach(function (points, index) {
      var d = [];
      var run = [];
      var count = 0;
      function close() {
        // A point with gaps on both sides has no line to be part of: it is drawn as its series' marker.
        if (run.length === 1) { chart.appendChild(marker(index, Number(run[0][0]), Number(run[0][1]))); }
        run = [];
      }
      points.forEach(function (p) {
        if (p[0] < from || p[1] === null) { close(); return; }
        var px = x(p[0]).toFixed(1), py = y(p[1]).toFixed(1);
        d.push((run.length === 0 ? 'M' : 'L') + px + ' ' + py);
        run.push([px, py]);
        count++;
      });
      close();
      if (count === 0) { return; }
      chart.appendChild(svg('path', { d: d.join(' '), 'class': seriesClass(index), 'data-series': widget.series[index].label }));
      drawn += count;
    });
    chart.setAttribute('data-points', String(drawn));
    chart.setAttribute('data-unit', unit.unit || '');
    var frame = el('div', 'chart-frame');
    frame.appendChild(chart);
    body.appendChild(frame);
    hover(widget, frame, chart, lines, { from: from, now: now, x: x, left: left, right: right, width: width, height: height, top: top, bottom: bottom, unit: unit });
    if (drawn === 0) { body.appendChild(el('div', 'empty', 'no data yet')); }
    var legend = el('div', 'legend');
    widget.series.forEach(function (s, index) {
      legend.appendChild(keyed('legend-item', index, s.label + ' ' + displayed(s, widget)));
    });
    body.appendChild(legend);
    percentileNote(widget, body);
    exemplarLink(widget, body);
  }

  // The latest p99 exemplar of a latency chart: the trace of one measurement at its p99, linked when
  // AccuScene:Dashboard:TraceUrlTemplate is set.
  function exemplarLink(widget, body) {
    var p99 = widget.series.filter(function (s) { return s.stat === 'p99'; })[0];
    var metric = p99 ? metricByName(p99.metric) : null;
    var exemplar = metric ? metric.exemplar : null;
    if (!exemplar) { return; }
    var line = el('div', 'exemplar');
    line.setAttribute('data-trace-id', exemplar.trace_id);
    line.appendChild(document.createTextNode('p99 exemplar ' + format(exemplar.value, p99.scale, widget.unit) + ' at ' + when(Date.parse(exemplar.time)) + ': '));
    var label = 'trace ' + exemplar.trace_id;
    if (exemplar.url) {
      var link = el('a', null, label);
      link.href = exemplar.url;
      link.target = '_blank';
      link.rel = 'noopener noreferrer';
      line.appendChild(link);
    } else {
      line.appendChild(el('code', null, label));
    }
    body.appendChild(line);
  }

  // A tooltip for the time under the pointer: that time, and every series' value there in the axis' unit. The
  // pointer's place is kept, so the tooltip stays put while the chart is redrawn under it by each update.
  function hover(widget, frame, chart, lines, g) {
    var tip = el('div', 'tooltip');
    tip.hidden = true;
    tip.setAttribute('role', 'tooltip');
    frame.appendChild(tip);
    var cursor = svg('line', { x1: 0, x2: 0, y1: g.top, y2: g.height - g.bottom, 'class': 'cursor', visibility: 'hidden' });
    chart.appendChild(cursor);
    function leave() { tip.hidden = true; cursor.setAttribute('visibility', 'hidden'); }
    function show(clientX) {
      var box = chart.getBoundingClientRect();
      var px = (clientX - box.left) * (g.width / (box.width || g.width));
      var t = g.from + (px - g.left) / (g.width - g.left - g.right) * (g.now - g.from);
      var best = null;
      lines.forEach(function (points) {
        points.forEach(function (p) { if (p[0] >= g.from && p[1] !== null && (best === null || Math.abs(p[0] - t) < Math.abs(best - t))) { best = p[0]; } });
      });
      if (best === null) { leave(); return; }
      clear(tip);
      tip.appendChild(el('div', 'tip-time', when(best)));
      var sep = g.unit.unit === '%' || (g.unit.unit || '').charAt(0) === '/' ? '' : ' ';
      widget.series.forEach(function (s, index) {
        var value = null;
        lines[index].forEach(function (p) { if (p[0] === best) { value = p[1]; } });
        tip.appendChild(keyed('tip-series', index, s.label + ': ' + (value === null ? 'no data' : number(value * g.unit.factor) + (g.unit.unit ? sep + g.unit.unit : ''))));
      });
      var cx = g.x(best);
      cursor.setAttribute('x1', cx);
      cursor.setAttribute('x2', cx);
      cursor.setAttribute('visibility', 'visible');
      tip.hidden = false;
      var left = cx * (box.width / g.width) + 12;
      if (left + tip.offsetWidth > frame.clientWidth) { left = Math.max(0, cx * (box.width / g.width) - tip.offsetWidth - 12); }
      tip.style.left = left + 'px';
      tip.style.top = '24px';
    }
    chart.addEventListener('mouseleave', function () { state.hover = null; leave(); });
    chart.addEventListener('mousemove', function (event) {
      state.hover = { id: widget.id, x: event.clientX };
      show(event.clientX);
    });
    if (state.hover && state.hover.id === widget.id) { show(state.hover.x); }
  }

  function statWidget(widget, body) {
    clear(body);
    var s = widget.series[0];
    body.appendChild(el('div', 'value', displayed(s, widget)));
    if (widget.series.length > 1 || s.per && s.per.length) { body.appendChild(el('div', 'caption', s.label)); }
    widget.series.slice(1).forEach(function (other) {
      body.appendChild(el('div', 'secondary', other.label + ': ' + displayed(other, widget)));
    });
    percentileNote(widget, body);
  }

  function tableWidget(widget, body) {
    clear(body);
    if (!widget.group_by) { seriesTable(widget, body); return; }
    var table = el('table');
    var head = el('tr');
    head.appendChild(el('th', null, widget.group_by));
    widget.series.forEach(function (s) { head.appendChild(el('th', 'num', columnName(widget, s))); });
    table.appendChild(head);
    var rows = [];
    (state.model.tables || []).forEach(function (t) {
      if (t.widget === widget.id) { rows = t.rows.map(function (r) { return { label: r.label, data: r }; }); }
    });
    rows.forEach(function (row) {
      var tr = el('tr');
      tr.appendChild(el('td', 'label', row.label));
      widget.series.forEach(function (s) { tr.appendChild(el('td', 'num', format(row.data[s.stat], s.scale, tableUnit(widget, s)))); });
      table.appendChild(tr);
    });
    body.appendChild(table);
    if (rows.length === 0) { body.appendChild(el('div', 'empty', 'no data yet')); }
  }

  // Without a group, one row per series, each with its own figure (its stat of its metric, in its unit).
  function seriesTable(widget, body) {
    var table = el('table');
    var head = el('tr');
    head.appendChild(el('th', null, 'series'));
    head.appendChild(el('th', 'num', 'value'));
    table.appendChild(head);
    widget.series.forEach(function (s) {
      var tr = el('tr');
      tr.appendChild(el('td', 'label', s.label || s.metric));
      tr.appendChild(el('td', 'num', format((metricByName(s.metric) || {})[s.stat], s.scale, tableUnit(widget, s))));
      table.appendChild(tr);
    });
    body.appendChild(table);
  }

  // A grouped table's series carry their unit in the label ("req/s", "mean ms"); others use the widget's.
  function tableUnit(widget, s) {
    if (widget.unit) { return widget.unit; }
    var words = (s.label || '').split(' ');
    var last = words[words.length - 1];
    return timeFactor[last] || byteFactor[last] ? last : '';
  }

  // A column's name without the time or byte unit its label ends with: its cells carry the unit each figure reads
  // best in ("233 µs" under "mean", not under "mean ms").
  function columnName(widget, s) {
    var label = s.label || s.metric;
    var unit = tableUnit(widget, s);
    return unit && label.length > unit.length + 1 && label.slice(-unit.length - 1) === ' ' + unit ? label.slice(0, -unit.length - 1) : label;
  }

  function healthWidget(widget, body) {
    var health = state.model.sections.health;
    // Its metrics change every sample; the table shows the checks.
    if (unchanged(body, { status: health.status, checks: health.checks })) { return; }
    clear(body);
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
      tr.appendChild(el('td', 'num nowrap', c.duration_ms === null ? '' : format(c.duration_ms, 1, 'ms')));
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

  // Whether what a table widget shows is what it shows now. Rebuilt every second, its rows would take the focus
  // from an Acknowledge button, lose a click between press and release, and the selection of text being copied.
  function unchanged(body, data) {
    var key = JSON.stringify(data);
    if (body.getAttribute('data-key') === key) { return true; }
    body.setAttribute('data-key', key);
    return false;
  }

  function alertsWidget(widget, body) {
    var alerts = state.model.sections.alerts;
    // The same alerts in the same states keep their rows (and a button its focus); only their figures change.
    var key = { configured: alerts.configured, active: alerts.active.map(function (a) { return [a.id, a.state, a.severity, a.acknowledged_by]; }) };
    if (unchanged(body, key)) {
      alerts.active.forEach(function (a) {
        var row = body.querySelector('tr[data-alert-id="' + CSS.escape(a.id) + '"]');
        if (row && row.cells.length > 3) { row.cells[3].textContent = a.summary || format(a.value, 1, ''); }
      });
      return;
    }
    clear(body);
    if (!alerts.configured) { body.appendChild(el('div', 'empty', 'no alert rules configured')); return; }
    if (alerts.active.length === 0) { body.appendChild(el('div', 'empty', 'no active alerts')); return; }
    var table = el('table', 'alerts');
    alerts.active.forEach(function (a) {
      var tr = el('tr');
      tr.setAttribute('data-alert-id', a.id);
      tr.appendChild(el('td', 'sev-' + a.severity, a.severity));
      tr.appendChild(el('td', null, a.rule));
      tr.appendChild(el('td', null, a.state));
      tr.appendChild(el('td', null, a.summary || format(a.value, 1, '')));
      var cell = el('td');
      var button = el('button', 'ack', a.acknowledged_by ? 'acknowledged' : 'Acknowledge');
      button.type = 'button';
      button.setAttribute('aria-label', (a.acknowledged_by ? 'Acknowledged: ' : 'Acknowledge ') + a.rule);
      button.disabled = !!a.acknowledged_by;
      button.addEventListener('click', function () { acknowledge(a, button); });
      cell.appendChild(button);
      tr.appendChild(cell);
      table.appendChild(tr);
    });
    body.appendChild(table);
  }

  function eventsWidget(widget, body) {
    var section = state.model.sections.events;
    if (unchanged(body, section)) { return; }
    clear(body);
    if (section.withheld) { body.appendChild(el('div', 'empty', 'events are not shown here: this request is not a local one (the server listens beyond loopback, it came through a proxy, or tokens are required), and events are served only with AccuScene:Endpoints:ReadToken (GET /events)')); return; }
    var events = section.recent;
    if (events.length === 0) { body.appendChild(el('div', 'empty', 'no events yet')); return; }
    var table = el('table', 'events');
    events.forEach(function (e) {
      var tr = el('tr');
      tr.appendChild(el('td', 'nowrap', when(Date.parse(e.time))));
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
      var wide = w.type === 'events' || w.type === 'alerts' ? ' widget-full' : w.type === 'table' ? ' widget-wide' : '';
      var section = el('section', 'widget widget-' + w.type + wide);
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

  // The default layout grows as the app's metrics appear: rebuild the page when its widgets change.
  function buildIfChanged(model) {
    var key = model.layout.map(function (w) { return w.id; }).join(',');
    if (key !== state.layoutKey) {
      state.layoutKey = key;
      build(model);
    }
  }

  function render() {
    state.widgets.forEach(function (w) {
      var renderer = renderers[w.model.type];
      if (renderer) { renderer(w.model, w.body); }
    });
    document.getElementById('updated').textContent = 'sample ' + state.model.sample + ' at ' + time(Date.parse(state.model.generated_at));
    document.getElementById('dropped').textContent = droppedText(state.model.dropped);
  }

  // Nothing is left out silently: what the dashboard could not keep, since start.
  function droppedText(dropped) {
    var parts = [];
    if (dropped && dropped.metrics) { parts.push(count(dropped.metrics) + ' metric samples past AccuScene:Dashboard:MaxMetrics'); }
    if (dropped && dropped.rows) { parts.push(count(dropped.rows) + ' table points past AccuScene:Dashboard:MaxTableRows'); }
    if (dropped && dropped.values) { parts.push(count(dropped.values) + ' NaN or infinite points'); }
    return parts.length ? 'Not shown since start: ' + parts.join(', ') + '.' : '';
  }

  function count(n) { return n.toLocaleString('en-US'); }

  function message(text) { document.getElementById('message').textContent = text; }

  function connection(text, kind) {
    var badge = document.getElementById('connection');
    badge.textContent = text;
    badge.className = 'badge badge-' + kind;
  }

  // Only the answer to the newest request is applied: an older one (a 1h refresh answered after a click on
  // 5 min, a slow answer overtaken by a newer request) would put the wrong history on screen.
  function load() {
    var seq = ++state.loads;
    var range = state.range;
    state.loading = true;
    // A request that never settles must not hold every later reload back.
    var controller = new AbortController();
    var timeout = setTimeout(function () { controller.abort(); }, 30000);
    return fetch(base + '/data?range=' + encodeURIComponent(range), { cache: 'no-store', signal: controller.signal })
      .then(function (response) {
        if (!response.ok) { throw new Error('HTTP ' + response.status); }
        return response.json();
      })
      .then(function (model) {
        if (seq !== state.loads || range !== state.range) { return; }
        state.model = model;
        message('');
        loadHistory(model);
        buildIfChanged(model);
        render();
      })
      .catch(function (error) { if (seq === state.loads) { message('Could not load the dashboard data: ' + error.message); } })
      .then(function () {
        clearTimeout(timeout);
        if (seq === state.loads) { state.loading = false; }
      });
  }

  function stream() {
    if (state.source) { state.source.close(); }
    var source = new EventSource(base + '/stream');
    state.source = source;
    source.addEventListener('open', function () {
      connection('live', 'ok');
      state.retry = RetryFirst;
      // After any loss (this stream's, or one given up for a new one), the history is reloaded.
      if (state.lost) { load(); }
      state.lost = false;
    });
    source.addEventListener('update', function (event) {
      var update = JSON.parse(event.data);
      // Nothing to add to yet, or older than what is on screen. An update of the same sample still counts: the
      // server refreshes health, alerts and events between samples.
      if (!state.model) {
        // The first load failed while the stream works: load again rather than drop every update.
        if (!state.loading) { load(); }
        return;
      }
      if (update.sample < state.model.sample - MaxGap) {
        // Far older than the screen: the process restarted and counts from zero again. Reload, or every update
        // would be dropped until the new count passed the old one.
        if (!state.loading) { load(); }
        return;
      }
      if (update.sample < state.model.sample) { return; }
      // An update carries the points sampled since the one before, and one more; beyond that, samples were missed.
      // With no charted history (a layout of stats and tables) nothing is appended, so nothing can be missed.
      var most = carried(update);
      var missed = most === 0 ? 0 : update.sample - state.model.sample - most;
      state.model = update;
      if (state.range === '5m' && missed > MaxGap) {
        // After a long gap (a lost connection) reload the history. A few points short are left as a gap in the
        // chart: reloading then, with /data slower than a sample, would reload at every update.
        if (!state.loading) { load(); }
        return;
      }
      if (state.range === '5m') { appendHistory(update); }
      buildIfChanged(update);
      render();
    });
    source.addEventListener('error', function () {
      state.lost = true;
      connection('reconnecting', 'bad');
      if (source.readyState === EventSource.CLOSED) {
        // The server refused the stream (a 503 at its stream limit, a 401 or 403 from the app's own authorization, a
        // 502 from a proxy): try again from scratch, waiting twice as long after each refusal up to a minute, so open
        // pages do not keep a busy server busier.
        setTimeout(stream, state.retry);
        state.retry = Math.min(state.retry * 2, RetryMost);
      }
    });
  }

  function selectRange(range) {
    state.range = range;
    Array.prototype.forEach.call(document.querySelectorAll('.ranges button'), function (b) {
      b.classList.toggle('active', b.getAttribute('data-range') === range);
      b.setAttribute('aria-pressed', b.getAttribute('data-range') === range ? 'true' : 'false'); // not by colour alone
    });
    if (state.refresh) { clearInterval(state.refresh); state.refresh = null; }
    // A refresh waits for the one before it: a slow answer is drawn rather than dropped as stale by the next.
    if (refreshEvery[range]) { state.refresh = setInterval(function () { if (!state.loading) { load(); } }, refreshEvery[range]); }
    load();
  }

  Array.prototype.forEach.call(document.querySelectorAll('.ranges button'), function (b) {
    b.addEventListener('click', function () { selectRange(b.getAttribute('data-range')); });
  });
  document.getElementById('token').addEventListener('change', function (event) {
    state.token = event.target.value;
    try { sessionStorage.setItem('accuscene-token', state.token); } catch (e) { /* kept for this page only */ }
  });

  // Charts are drawn at the pixel size they get, so their text stays legible at any width.
  var resizing = null;
  window.addEventListener('resize', function () {
    if (resizing) { clearTimeout(resizing); }
    resizing = setTimeout(function () { if (state.model) { render(); } }, 150);
  });

  load().then(stream);
}());
