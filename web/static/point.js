// The assessment page: a point's details and forms are fetched when the point is
// opened, and shown under its result. Without this script the link opens the
// point's own page, which shows the same forms.
(function () {
  "use strict";
  function show(link, box, open) {
    box.hidden = !open;
    link.setAttribute("aria-expanded", open ? "true" : "false");
    link.textContent = open ? "收起" : link.getAttribute("data-label");
  }
  document.addEventListener("click", function (ev) {
    var link = ev.target.closest ? ev.target.closest("a[data-fragment-url]") : null;
    if (!link || ev.button !== 0 || ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.altKey) {
      return;
    }
    var box = document.getElementById(link.getAttribute("aria-controls"));
    if (!box) {
      return;
    }
    ev.preventDefault();
    if (!link.hasAttribute("data-label")) {
      link.setAttribute("data-label", link.textContent);
    }
    if (box.hasAttribute("data-loaded")) {
      show(link, box, box.hidden);
      return;
    }
    fetch(link.getAttribute("data-fragment-url"), { credentials: "same-origin" }).then(function (resp) {
      // A session that ended redirects to the sign-in page: go there with the link.
      if (!resp.ok || resp.redirected) {
        throw new Error(String(resp.status));
      }
      return resp.text();
    }).then(function (html) {
      box.innerHTML = html;
      box.setAttribute("data-loaded", "");
      show(link, box, true);
      var first = box.querySelector("input[type=text], textarea, input[type=checkbox], input[type=radio]");
      if (first) {
        first.focus({ preventScroll: true });
      }
    }).catch(function () {
      window.location.href = link.href;
    });
  });
})();
