// The report editor: the cursor's line made a chapter or section heading or plain
// text by a button (officials do not type heading marks); values inserted at the
// cursor by their Chinese name (the search box and its list) or from the table of
// all values; a finding's place selected in the text; the cursor's line shown under
// the text.
(function () {
  "use strict";
  var text = document.getElementById("report-text");
  if (!text) {
    return;
  }

  function insert(token) {
    var start = text.selectionStart, end = text.selectionEnd;
    if (typeof start !== "number") {
      start = end = text.value.length;
    }
    text.value = text.value.slice(0, start) + token + text.value.slice(end);
    text.focus();
    text.selectionStart = text.selectionEnd = start + token.length;
    showCursor();
  }

  // The heading buttons: the line the cursor is on becomes a chapter heading (level
  // 2), a section heading (level 3) or plain text. The marks the stored text uses
  // for a heading are written here, so that nobody has to type them.
  var tools = document.getElementById("report-tools");
  var toolsNote = document.getElementById("report-tools-note");
  var levelNames = { 0: "正文", 2: "章标题", 3: "节标题" };
  function setLevel(level) {
    var v = text.value, pos = text.selectionStart;
    if (typeof pos !== "number") {
      pos = v.length;
    }
    var from = pos > 0 ? v.lastIndexOf("\n", pos - 1) + 1 : 0;
    var to = v.indexOf("\n", pos);
    if (to < 0) {
      to = v.length;
    }
    var body = v.slice(from, to).replace(/^[ \t]*#{1,6}(?=[ \t]|$)[ \t]*/, "");
    var line = level > 0 ? "#".repeat(level) + " " + body.trim() : body;
    text.value = v.slice(0, from) + line + v.slice(to);
    text.focus();
    text.selectionStart = text.selectionEnd = from + line.length;
    showCursor();
    text.dispatchEvent(new Event("input"));
    var n = v.slice(0, from).split("\n").length;
    toolsNote.textContent = level > 0 && body.trim() === "" ?
      "第" + n + "行已设为" + levelNames[level] + "，请接着写标题文字。" :
      "第" + n + "行已设为" + levelNames[level] + "。";
  }
  if (tools) {
    var styles = tools.querySelectorAll("button.report-style");
    for (var s = 0; s < styles.length; s++) {
      styles[s].addEventListener("click", function (ev) {
        setLevel(parseInt(ev.currentTarget.getAttribute("data-level"), 10) || 0);
      });
    }
    tools.hidden = false; // the buttons work only with this script
  }

  // The values by name, from the table of all values.
  var tokens = {};
  var buttons = document.querySelectorAll("button.insert-token");
  for (var i = 0; i < buttons.length; i++) {
    var row = buttons[i].closest("tr");
    if (row && row.getAttribute("data-name")) {
      tokens[row.getAttribute("data-name")] = buttons[i].getAttribute("data-token");
    }
    buttons[i].addEventListener("click", function (ev) {
      insert(ev.currentTarget.getAttribute("data-token"));
      text.dispatchEvent(new Event("input"));
    });
  }

  // The search box: choosing a name from the list, or typing it and pressing
  // 插入 or Enter, inserts its value.
  var search = document.getElementById("report-value-search");
  var note = document.getElementById("report-insert-note");
  // Where the cursor was before the search box took the focus.
  var saved = null;
  text.addEventListener("blur", function () {
    saved = [text.selectionStart, text.selectionEnd];
  });
  function insertByName() {
    var name = search.value.trim();
    var token = tokens[name];
    if (!token) {
      var matches = Object.keys(tokens).filter(function (n) { return name !== "" && n.indexOf(name) >= 0; });
      if (matches.length === 1) {
        name = matches[0];
        token = tokens[name];
      } else {
        note.textContent = matches.length > 1 ? "有" + matches.length + "项名称含“" + name + "”，请从列表中选择一项。" : "没有名为“" + name + "”的数据。";
        return;
      }
    }
    if (saved) {
      text.selectionStart = saved[0];
      text.selectionEnd = saved[1];
    }
    insert(token);
    text.dispatchEvent(new Event("input"));
    note.textContent = "已插入“" + name + "”。";
    search.value = "";
  }
  if (search) {
    document.getElementById("report-insert").addEventListener("click", insertByName);
    search.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter") {
        ev.preventDefault();
        insertByName();
      }
    });
    search.addEventListener("change", function () {
      if (tokens[search.value.trim()]) {
        insertByName();
      }
    });
  }

  // The table of all values, filtered by name.
  var filter = document.getElementById("report-values-filter");
  if (filter) {
    filter.addEventListener("input", function () {
      var q = filter.value.trim();
      var rows = document.querySelectorAll("#report-values tbody tr");
      for (var i = 0; i < rows.length; i++) {
        rows[i].hidden = q !== "" && (rows[i].getAttribute("data-name") || "").indexOf(q) < 0;
      }
    });
  }

  // A finding's place: select it in the text. Delegated: the panel of the text as
  // it will read is rendered anew while the text is typed.
  document.addEventListener("click", function (ev) {
    var b = ev.target.closest ? ev.target.closest("button.goto-line") : null;
    if (!b) {
      return;
    }
    var line = parseInt(b.getAttribute("data-line"), 10), col = parseInt(b.getAttribute("data-col"), 10) || 1;
    var lines = text.value.split("\n");
    var off = 0;
    for (var k = 0; k < line - 1 && k < lines.length; k++) {
      off += lines[k].length + 1;
    }
    var chars = Array.from(lines[line - 1] || "");
    var start = off + chars.slice(0, col - 1).join("").length;
    var len = (b.getAttribute("data-text") || "").length;
    text.focus();
    text.selectionStart = start;
    text.selectionEnd = start + len;
    // Scroll the line into view: lines are about one line-height each.
    var lh = parseFloat(getComputedStyle(text).lineHeight) || 20;
    text.scrollTop = Math.max(0, (line - 3) * lh);
    text.scrollIntoView({ block: "nearest" });
    showCursor();
  });

  // The text as it will read, with its findings, rendered by the server from the
  // text as typed, a moment after typing stops (nothing is saved).
  var read = document.getElementById("report-read-body");
  var form = document.getElementById("report-form");
  var timer = null, seq = 0;
  function refresh() {
    if (!read || !form) {
      return;
    }
    var mine = ++seq;
    var body = new FormData();
    body.append("csrf", form.elements.csrf.value);
    body.append("text", text.value);
    fetch(read.getAttribute("data-url"), { method: "POST", body: body, credentials: "same-origin" }).then(function (r) {
      return r.ok ? r.text() : null;
    }).then(function (html) {
      if (html !== null && mine === seq) {
        read.innerHTML = html; // html/template's output for this text
        read.setAttribute("data-fresh", String(mine));
        var stale = document.getElementById("report-lint-stale");
        if (stale) {
          stale.hidden = false;
        }
      }
    }).catch(function () {});
  }
  text.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 600);
  });

  // The cursor's line, so the lines the findings name can be found.
  var cursor = document.getElementById("report-cursor");
  function showCursor() {
    if (!cursor) {
      return;
    }
    var line = text.value.slice(0, text.selectionStart).split("\n").length;
    cursor.textContent = "光标在第" + line + "行（共" + text.value.split("\n").length + "行）";
  }
  text.addEventListener("keyup", showCursor);
  text.addEventListener("click", showCursor);
  text.addEventListener("focus", showCursor);
  showCursor();
})();
