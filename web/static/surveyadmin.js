// The survey's pages: the round page polls its progress every 15 seconds; the
// result page draws its charts with ECharts from the JSON block #survey-data (no
// inline script: the CSP forbids it).
(function () {
  'use strict';
  var prog = document.getElementById('survey-progress');
  if (prog) {
    var url = prog.getAttribute('data-url');
    var set = function (id, text) { var el = document.getElementById(id); if (el) { el.textContent = text; } };
    var bars = function (list) {
      (list || []).forEach(function (c) {
        document.querySelectorAll('meter[data-key="' + CSS.escape(c.key) + '"]').forEach(function (m) { m.value = c.count; });
        document.querySelectorAll('.sv-bar-n[data-key="' + CSS.escape(c.key) + '"]').forEach(function (n) { n.textContent = c.count + ' / ' + c.quota; });
      });
    };
    setInterval(function () {
      fetch(url, { credentials: 'same-origin' }).then(function (r) { return r.ok ? r.json() : null; }).then(function (d) {
        if (!d) { return; }
        var p = d.progress;
        set('sp-responses', p.responses); set('sp-completion', p.completion.toFixed(1) + '%');
        set('sp-median', Math.round(p.median_seconds) + '秒'); set('sp-flagged', p.flagged); set('sp-excluded', p.excluded);
        if (d.headline) { set('sp-headline', d.headline + '%'); }
        bars(p.groups); bars(p.areas); bars(p.schools);
      }).catch(function () { /* next time */ });
    }, 15000);
  }

  var dataEl = document.getElementById('survey-data');
  if (!dataEl || typeof echarts === 'undefined') { return; }
  var data = JSON.parse(dataEl.textContent);
  var brand = '#1b3f73', accent = '#b7282e', light = '#9fb3d1';
  var font = '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif';
  function chart(id, opt) {
    var el = document.getElementById(id);
    if (!el) { return; }
    var c = echarts.init(el, null, { renderer: 'canvas' });
    opt.textStyle = { fontFamily: font };
    opt.tooltip = { trigger: 'axis', renderMode: 'richText' };
    c.setOption(opt);
    window.addEventListener('resize', function () { c.resize(); });
  }
  var line = data.threshold ? { silent: true, symbol: 'none', lineStyle: { color: accent, type: 'dashed' }, data: [{ yAxis: data.threshold }], label: { formatter: data.threshold + '%' } } : null;
  chart('chart-quotas', {
    color: [brand, light], legend: { bottom: 0 }, grid: { left: 40, right: 16, top: 20, bottom: 56 },
    xAxis: { type: 'category', data: data.groups, axisLabel: { interval: 0 } }, yAxis: { type: 'value', name: '份' },
    series: [{ type: 'bar', name: '已收', data: data.counts }, { type: 'bar', name: '配额', data: data.quotas }]
  });
  chart('chart-groups', {
    color: [brand], grid: { left: 40, right: 16, top: 20, bottom: 40 },
    xAxis: { type: 'category', data: data.groups, axisLabel: { interval: 0 } }, yAxis: { type: 'value', max: 100, name: data.method },
    series: [{ type: 'bar', name: data.method, data: data.group_figures, label: { show: true, position: 'top' }, markLine: line }]
  });
  chart('chart-questions', {
    color: [brand], grid: { left: 180, right: 40, top: 10, bottom: 30 },
    yAxis: { type: 'category', data: data.questions, inverse: true }, xAxis: { type: 'value', max: 100 },
    series: [{ type: 'bar', name: data.method, data: data.question_figures, label: { show: true, position: 'right' },
      markLine: data.threshold ? { silent: true, symbol: 'none', lineStyle: { color: accent, type: 'dashed' }, data: [{ xAxis: data.threshold }] } : null }]
  });
}());
