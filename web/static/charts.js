// Charts of the ranking page, drawn with ECharts from the JSON block
// #ranking-data that the server renders (no inline script: the CSP forbids it).
// Each chart is laid out for the width of its box — label wrapping, the radar's
// radius, bars upright or lying down, the chart's height — and laid out again when
// that width changes, so that every label reads whole on a 390 px phone as on a
// desktop.
(function () {
  'use strict';
  var dataEl = document.getElementById('ranking-data');
  if (!dataEl || typeof echarts === 'undefined') { return; }
  var data = JSON.parse(dataEl.textContent);
  if (!data.units || data.units.length === 0) { return; }

  var brand = '#1b3f73', accent = '#b7282e', muted = '#5f6b7a';
  var palette = ['#1b3f73', '#3b7ddd', '#2a9d8f', '#e9a23b', '#b7282e', '#7a5195', '#5f6b7a'];
  var font = '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif';
  var fs = 12; // the labels' font size
  var lineH = 16; // and their line height

  var measure = document.createElement('canvas').getContext('2d');
  function textWidth(s, size) {
    measure.font = size + 'px ' + font;
    return measure.measureText(s).width;
  }
  // widest is the width of the longest line of a wrapped label.
  function widest(labels, size) {
    var w = 0;
    labels.forEach(function (l) {
      l.split('\n').forEach(function (line) { w = Math.max(w, textWidth(line, size)); });
    });
    return Math.ceil(w);
  }
  function lines(labels) {
    return Math.max.apply(null, labels.map(function (l) { return l.split('\n').length; }));
  }

  // Punctuation a line may not start with (避头点).
  var noStart = '、，。；：？！）》」』”’';

  // wrap breaks a name into lines of at most n characters, as even as they can be
  // (依法治教、依法治校和学校规范管理 by 6: 依法治教、依/法治校和学/校规范管理),
  // never starting a line with punctuation.
  function wrap(name, n) {
    var chars = Array.from(name);
    if (n < 1 || chars.length <= n) { return name; }
    var per = Math.ceil(chars.length / Math.ceil(chars.length / n));
    var out = [], line = [];
    chars.forEach(function (ch) {
      if (line.length >= per && noStart.indexOf(ch) < 0) { out.push(line.join('')); line = []; }
      line.push(ch);
    });
    out.push(line.join(''));
    return out.join('\n');
  }

  // legendHeight is the height a legend of these names takes in a chart w wide:
  // ECharts wraps it into rows.
  function legendHeight(names, w) {
    var rows = 1, x = 0;
    names.forEach(function (n) {
      var item = 25 + 5 + textWidth(n, fs) + 10;
      if (x > 0 && x + item > w - 10) { rows++; x = 0; }
      x += item;
    });
    return rows * 22 + 6;
  }

  // A bar chart lies down when its categories are too narrow for three characters
  // of a name (or for its bars, at least minBand pixels): the names then stand on
  // one line each at the left.
  function lying(n, plotWidth, minBand) {
    return plotWidth / n < Math.max(3 * fs + 8, minBand);
  }

  // Category names under upright bars, wrapped to their category's width.
  function uprightNames(n, plotWidth) {
    var k = Math.max(2, Math.floor((plotWidth / n - 6) / fs));
    return data.units.map(function (u) { return wrap(u, k); });
  }

  // Category names beside lying bars: one line up to eight characters.
  function lyingNames() {
    return data.units.map(function (u) { return wrap(u, 8); });
  }

  var charts = [];

  // chart draws the chart of box id with draw(width), which returns the option and
  // the height the chart needs (0: the one of the stylesheet).
  function chart(id, draw) {
    var el = document.getElementById(id);
    if (!el) { return null; }
    // The canvas renderer: it draws faster for many units than SVG.
    var e = { el: el, c: echarts.init(el, null, { renderer: 'canvas' }), draw: draw, width: -1, height: -1 };
    charts.push(e);
    layout(e, true);
    return e;
  }

  // layout draws a chart again for its box's width; force: even when the width is
  // the same (the radar's unit was changed). A box that only grew taller (its
  // neighbour in the row is taller) just has the chart fill it.
  function layout(e, force) {
    var w = e.el.clientWidth;
    if (w !== e.width || force) {
      e.width = w;
      var d = e.draw(w);
      e.el.style.height = d.height ? d.height + 'px' : '';
      e.c.resize();
      e.c.setOption(d.option, true);
    } else if (e.el.clientHeight !== e.height) {
      e.c.resize();
    }
    e.height = e.el.clientHeight;
  }

  function base(extra) {
    var o = { textStyle: { fontFamily: font, fontSize: fs }, animation: false };
    Object.keys(extra).forEach(function (k) { o[k] = extra[k]; });
    return o;
  }

  function round(v) { return Math.round(v * 100) / 100; }

  // Totals by unit, best first (the order of the ranking).
  chart('chart-totals', function (w) {
    var n = data.units.length, max = data.max > 0 ? data.max : null;
    var tooltip = { trigger: 'axis', axisPointer: { type: 'shadow' }, confine: true };
    var series = {
      type: 'bar', name: '得分', barMaxWidth: 36, data: data.totals.map(round),
      label: { show: true, color: '#1f2933' }
    };
    if (lying(n, w - 64, 0)) {
      var names = lyingNames(), left = widest(names, fs) + 14;
      series.label.position = 'right';
      series.barMaxWidth = 18;
      return {
        height: n * 30 + 56,
        option: base({
          color: [brand], tooltip: tooltip,
          grid: { left: left, right: 40, top: 28, bottom: 24 },
          yAxis: { type: 'category', data: names, inverse: true, axisLabel: { interval: 0, lineHeight: lineH } },
          xAxis: { type: 'value', max: max, position: 'top', name: '得分', nameGap: 6, nameTextStyle: { color: muted } },
          series: [series]
        })
      };
    }
    var labels = uprightNames(n, w - 64);
    series.label.position = 'top';
    series.label.show = n <= 12;
    return {
      height: 0,
      option: base({
        color: [brand], tooltip: tooltip,
        grid: { left: 48, right: 16, top: 28, bottom: lines(labels) * lineH + 16 },
        xAxis: { type: 'category', data: labels, axisLabel: { interval: 0, lineHeight: lineH } },
        yAxis: { type: 'value', max: max, name: '得分', nameTextStyle: { color: muted } },
        series: [series]
      })
    };
  });

  // Each area as a share of its maximum, for the chosen unit against the average.
  // The names are wrapped (narrower at the sides, where width is short) and the
  // radius is the largest that keeps every name inside the box; the height follows.
  var pick = document.getElementById('radar-unit');
  var picked = 0;
  var radar = chart('chart-radar', function (w) {
    var n = data.areas.length, gap = 8, half = w / 2 - 4;
    var side = w < 400 ? 4 : w < 520 ? 5 : 6;
    var axes = data.areas.map(function (a, i) {
      // ECharts puts the first axis at the top and goes round anticlockwise.
      var t = Math.PI / 2 + 2 * Math.PI * i / n, c = Math.cos(t), s = Math.sin(t);
      var upright = Math.abs(c) < 1e-3; // its name centred above or below the tip
      var name = wrap(a.name, upright || Math.abs(c) < 0.5 ? side + 2 : side);
      return { c: c, s: s, upright: upright, name: name, w: widest([name], fs), h: lines([name]) * lineH };
    });
    var r = 130;
    axes.forEach(function (a) {
      if (!a.upright) { r = Math.min(r, (half - a.w) / Math.abs(a.c) - gap); }
    });
    r = Math.max(40, Math.floor(r));
    // How far the names reach above and below the centre.
    var up = r, down = r;
    axes.forEach(function (a) {
      var y = (r + gap) * a.s;
      up = Math.max(up, y + (a.upright ? (a.s > 0 ? a.h : 0) : a.h / 2));
      down = Math.max(down, -y + (a.upright ? (a.s < 0 ? a.h : 0) : a.h / 2));
    });
    var top = Math.ceil(up) + 6;
    var wrapped = {};
    axes.forEach(function (a, i) { wrapped[data.areas[i].name] = a.name; });
    return {
      height: top + Math.ceil(down) + 12 + 28,
      option: base({
        color: [brand, accent],
        legend: { bottom: 0, data: [data.units[picked], '平均'] },
        tooltip: { confine: true, valueFormatter: function (v) { return v + '%'; } },
        radar: {
          radius: r, center: [Math.round(w / 2), top], axisNameGap: gap,
          indicator: data.areas.map(function (a) { return { name: a.name, max: 100 }; }),
          axisName: { color: muted, fontSize: fs, lineHeight: lineH, formatter: function (name) { return wrapped[name] || name; } }
        },
        series: [{
          type: 'radar',
          data: [
            { name: data.units[picked], value: data.pct[picked], areaStyle: { opacity: 0.2 } },
            { name: '平均', value: data.avgPct, lineStyle: { type: 'dashed' }, symbol: 'none' }
          ]
        }]
      })
    };
  });
  if (radar && pick) {
    pick.addEventListener('change', function () {
      picked = parseInt(pick.value, 10) || 0;
      layout(radar, true);
    });
  }

  // Coefficients of variation by unit: primary schools above, junior below, each
  // with its limit as a dashed line.
  if (data.cv) {
    chart('chart-cv', function (w) { return cvChart(w); });
  }

  function cvChart(w) {
    var cv = data.cv, n = data.units.length;
    var axisMax = function (v) { return Math.max(0.6, Math.ceil(v.max * 10) / 10); };
    var legendH = legendHeight(cv.names, w);
    var lie = lying(n, w - 64, cv.names.length * 8);
    var names = lie ? lyingNames() : uprightNames(n, w - 64);
    var series = [];
    function add(values, grid, limit) {
      cv.names.forEach(function (name, k) {
        var s = {
          type: 'bar', name: name, xAxisIndex: grid, yAxisIndex: grid, barMaxWidth: 14,
          data: values.map(function (row) { return row[k]; })
        };
        if (k === 0) {
          var at = lie ? { xAxis: limit } : { yAxis: limit };
          s.markLine = {
            symbol: 'none', silent: true, label: { show: false },
            lineStyle: { color: accent, type: 'dashed', width: 1.5 }, data: [at]
          };
        }
        series.push(s);
      });
    }
    add(cv.primary, 0, cv.primaryLimit);
    add(cv.junior, 1, cv.juniorLimit);
    var title = function (stage, limit, top) {
      return {
        text: stage + '（虚线为上限' + limit.toFixed(2) + '）', left: 4, top: top,
        textStyle: { fontSize: 13, fontWeight: 'normal', color: muted }
      };
    };
    var cat = function (grid, show) {
      return { type: 'category', gridIndex: grid, data: names, inverse: lie,
        axisLabel: { show: show, interval: 0, lineHeight: lineH } };
    };
    var val = function (grid) { return { type: 'value', gridIndex: grid, min: 0, max: axisMax }; };
    var grids, height, xAxis, yAxis;
    if (lie) {
      // Names at the left on one line, the values along the top of each plot.
      var left = widest(names, fs) + 14, plot = n * (cv.names.length * 5 + 16);
      var top0 = legendH + 48, top1 = top0 + plot + 56;
      grids = [{ left: left, right: 20, top: top0, height: plot }, { left: left, right: 20, top: top1, height: plot }];
      xAxis = [val(0), val(1)];
      xAxis[0].position = xAxis[1].position = 'top';
      yAxis = [cat(0, true), cat(1, true)];
      height = top1 + plot + 12;
      return cvOption(grids, xAxis, yAxis, [title('小学', cv.primaryLimit, legendH + 2), title('初中', cv.juniorLimit, top0 + plot + 10)], series, height);
    }
    var plotH = 150, labelH = lines(names) * lineH + 12;
    var g0 = legendH + 30, g1 = g0 + plotH + 40;
    grids = [{ left: 48, right: 16, top: g0, height: plotH }, { left: 48, right: 16, top: g1, height: plotH }];
    xAxis = [cat(0, false), cat(1, true)];
    yAxis = [val(0), val(1)];
    height = g1 + plotH + labelH;
    return cvOption(grids, xAxis, yAxis, [title('小学', cv.primaryLimit, legendH + 4), title('初中', cv.juniorLimit, g0 + plotH + 14)], series, height);
  }

  function cvOption(grids, xAxis, yAxis, titles, series, height) {
    return {
      height: height,
      option: base({
        color: palette,
        legend: { top: 0, left: 0, data: data.cv.names },
        tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, confine: true },
        title: titles, grid: grids, xAxis: xAxis, yAxis: yAxis, series: series
      })
    };
  }

  // Lay the charts out again when their size changes: the window turned or was
  // resized, a scroll bar came or went, the row they share grew taller.
  var pending = 0;
  function relayout() {
    clearTimeout(pending);
    pending = setTimeout(function () { charts.forEach(function (e) { layout(e, false); }); }, 60);
  }
  window.addEventListener('resize', relayout);
  if (typeof ResizeObserver !== 'undefined') {
    var ro = new ResizeObserver(relayout);
    charts.forEach(function (e) { ro.observe(e.el); });
  }
})();
