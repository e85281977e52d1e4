// The public answer page: keeps partial answers in this phone's localStorage, shows
// how many questions are answered, and submits by fetch so that a retry sends the
// same client id (the server stores one response per id). Without script the form
// posts as it is.
(function () {
  'use strict';
  var form = document.getElementById('sv-form');
  if (!form) { return; }
  var key = 'ziping-survey:' + form.getAttribute('action');
  var total = +form.getAttribute('data-total');
  var bar = document.getElementById('sv-bar'), count = document.getElementById('sv-count');
  var errEl = document.getElementById('sv-error'), btn = document.getElementById('sv-submit');
  var store = null;
  try { store = window.localStorage; } catch (e) { store = null; }

  function saved() {
    try { return JSON.parse(store && store.getItem(key)) || null; } catch (e) { return null; }
  }
  function save() {
    if (!store) { return; }
    var data = { cid: form.cid.value, started: form.started.value, fields: [] };
    Array.prototype.forEach.call(form.elements, function (el) {
      if ((el.type === 'radio' || el.type === 'checkbox') && el.checked) { data.fields.push([el.name, el.value]); }
      if ((el.tagName === 'TEXTAREA' || el.type === 'text') && el.value) { data.fields.push([el.name, el.value]); }
    });
    try { store.setItem(key, JSON.stringify(data)); } catch (e) { /* full: answers stay on the page */ }
  }
  function restore(d) {
    form.cid.value = d.cid; form.started.value = d.started;
    d.fields.forEach(function (f) {
      var els = form.querySelectorAll('[name="' + f[0] + '"]');
      Array.prototype.forEach.call(els, function (el) {
        if (el.type === 'radio' || el.type === 'checkbox') { if (el.value === f[1]) { el.checked = true; } }
        else { el.value = f[1]; }
      });
    });
  }
  function answered(fs) {
    return fs.querySelector('input:checked') !== null || Array.prototype.some.call(fs.querySelectorAll('textarea'), function (t) { return t.value.trim() !== ''; });
  }
  function progress() {
    var n = 0;
    Array.prototype.forEach.call(form.querySelectorAll('[data-q]'), function (fs) { if (answered(fs)) { n++; } });
    bar.value = n; count.textContent = '已答 ' + n + '/' + total + ' 题';
  }
  var d = saved();
  if (d && d.cid) { restore(d); } else { form.started.value = String(Date.now()); }
  progress();
  form.addEventListener('change', function () { save(); progress(); });
  form.addEventListener('input', function () { save(); progress(); });

  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var missing = null;
    Array.prototype.forEach.call(form.querySelectorAll('fieldset'), function (fs) {
      var need = fs.hasAttribute('data-required') || fs.querySelector('[required]');
      fs.classList.toggle('sv-missing', !!need && !answered(fs) && !(fs.querySelector('input[type=text]') && fs.querySelector('input[type=text]').value));
      if (!missing && fs.classList.contains('sv-missing')) { missing = fs; }
    });
    if (missing) {
      errEl.hidden = false; errEl.textContent = '还有题目没有作答，请完成标红的题目。';
      var first = missing.querySelector('input,textarea'); if (first) { first.focus(); }
      return;
    }
    btn.disabled = true; btn.textContent = '正在提交…';
    var body = new URLSearchParams(new FormData(form));
    fetch(form.action, { method: 'POST', body: body, credentials: 'same-origin', headers: { 'Accept': 'application/json' } })
      .then(function (r) { return r.json(); })
      .then(function (res) {
        if (res.ok) {
          if (store) { store.removeItem(key); }
          window.location.replace(form.action + '?done=1');
          return;
        }
        errEl.hidden = false; errEl.textContent = res.error || '提交失败，请重试';
        btn.disabled = false; btn.textContent = '提交问卷';
      })
      .catch(function () {
        errEl.hidden = false; errEl.textContent = '网络不稳定，答案已保存在本机，请稍后再点“提交问卷”（不会重复计数）。';
        btn.disabled = false; btn.textContent = '提交问卷';
      });
  });
}());
