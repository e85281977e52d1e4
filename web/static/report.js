// The report editor: the value picker inserts a bound-value token at the cursor.
(function () {
  "use strict";
  var text = document.getElementById("report-text");
  if (!text) {
    return;
  }
  var buttons = document.querySelectorAll("button.insert-token");
  for (var i = 0; i < buttons.length; i++) {
    buttons[i].addEventListener("click", function (ev) {
      var token = ev.currentTarget.getAttribute("data-token");
      var start = text.selectionStart, end = text.selectionEnd;
      if (typeof start !== "number") {
        start = end = text.value.length;
      }
      text.value = text.value.slice(0, start) + token + text.value.slice(end);
      text.focus();
      text.selectionStart = text.selectionEnd = start + token.length;
    });
  }
})();
