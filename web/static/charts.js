// Charts of the ranking page, drawn with ECharts from the JSON block
// #ranking-data that the server renders (no inline script: the CSP forbids it).
(function () {
  'use strict';
  var dataEl = document.getElementById('ranking-data');
  if (!dataEl || typeof echarts === 'undefined') { return; }
  var data = JSON.parse(dataEl.textContent);
  if (!data.units || data.units.length === 0) { return; }

  var brand = '#1b3f73', accent = '#b7282e', muted = '#5f6b7a';
  var palette = ['#1b3f73', '#3b7ddd', '#2a9d8f', '#e9a23b', '#b7282e', '#7a5195', '#5f6b7a'];
  var font = '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif';
  var charts = [];

  function init(id) {
    var el = document.getElementById(id);
    if (!el) { return null; }
    // The canvas renderer: it draws faster for many units than SVG.
    var c = echarts.init(el, null, { renderer: 'canvas' });
    charts.push(c);
    return c;
  }

  function round(v) { return Math.round(v * 100) / 100; }

  // wrap breaks a long area name into lines of at most 7 characters.
  function wrap(name) {
    var out = [];
    for (var i = 0; i < name.length; i += 7) { out.push(name.slice(i, i + 7)); }
    return out.join('\n');
  }

  // Totals by unit, best first (the order of the ranking).
  var totals = init('chart-totals');
  if (totals) {
    totals.setOption({
      textStyle: { fontFamily: font },
      color: [brand],
      grid: { left: 48, right: 16, top: 28, bottom: 56 },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      xAxis: { type: 'category', data: data.units, axisLabel: { interval: 0, rotate: data.units.length > 6 ? 30 : 0 } },
      yAxis: { type: 'value', max: data.max > 0 ? data.max : null, name: '得分', nameTextStyle: { color: muted } },
      series: [{
        type: 'bar', name: '得分', barMaxWidth: 36, data: data.totals.map(round),
        label: { show: data.units.length <= 12, position: 'top', color: '#1f2933' }
      }]
    });
  }

  // Each area as a share of its maximum, for the chosen unit against the average.
  var radar = init('chart-radar');
  var pick = document.getElementById('radar-unit');
  function drawRadar(i) {
    radar.setOption({
      textStyle: { fontFamily: font },
      color: [brand, accent],
      legend: { bottom: 0, data: [data.units[i], '平均'] },
      tooltip: { valueFormatter: function (v) { return v + '%'; } },
      radar: {
        radius: '58%', center: ['50%', '50%'],
        indicator: data.areas.map(function (a) { return { name: a.name, max: 100 }; }),
        axisName: { color: muted, fontSize: 11, formatter: wrap }
      },
      series: [{
        type: 'radar',
        data: [
          { name: data.units[i], value: data.pct[i], areaStyle: { opacity: 0.2 } },
          { name: '平均', value: data.avgPct, lineStyle: { type: 'dashed' }, symbol: 'none' }
        ]
      }]
    }, true);
  }
  if (radar) {
    drawRadar(0);
    if (pick) {
      pick.addEventListener('change', function () { drawRadar(parseInt(pick.value, 10) || 0); });
    }
  }

  // Coefficients of variation by unit: primary schools above, junior below, each
  // with its limit as a line.
  var cv = data.cv && init('chart-cv');
  if (cv) {
    var series = [];
    function add(values, grid, limit, stage) {
      data.cv.names.forEach(function (name, k) {
        var s = {
          type: 'bar', name: name, xAxisIndex: grid, yAxisIndex: grid, barMaxWidth: 14,
          data: values.map(function (row) { return row[k]; })
        };
        if (k === 0) {
          s.markLine = {
            symbol: 'none', silent: true,
            lineStyle: { color: accent, type: 'dashed', width: 1.5 },
            label: { formatter: stage + '上限 ' + limit.toFixed(2), position: 'insideEndTop', color: accent },
            data: [{ yAxis: limit }]
          };
        }
        series.push(s);
      });
    }
    add(data.cv.primary, 0, data.cv.primaryLimit, '小学');
    add(data.cv.junior, 1, data.cv.juniorLimit, '初中');
    var axisMax = function (v) { return Math.max(0.6, Math.ceil(v.max * 10) / 10); };
    cv.setOption({
      textStyle: { fontFamily: font },
      color: palette,
      legend: { top: 0, data: data.cv.names },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      title: [
        { text: '小学', left: 8, top: 30, textStyle: { fontSize: 13, color: muted } },
        { text: '初中', left: 8, top: '54%', textStyle: { fontSize: 13, color: muted } }
      ],
      grid: [
        { left: 48, right: 16, top: 56, height: '32%' },
        { left: 48, right: 16, top: '60%', height: '32%' }
      ],
      xAxis: [
        { type: 'category', gridIndex: 0, data: data.units, axisLabel: { show: false } },
        { type: 'category', gridIndex: 1, data: data.units, axisLabel: { interval: 0 } }
      ],
      yAxis: [
        { type: 'value', gridIndex: 0, min: 0, max: axisMax },
        { type: 'value', gridIndex: 1, min: 0, max: axisMax }
      ],
      series: series
    });
  }

  window.addEventListener('resize', function () {
    charts.forEach(function (c) { c.resize(); });
  });
})();
