/* A warning before the idle timeout logs the moderator out. The server keeps
   the clock (tribune.accounts.middleware); this page only counts down from what
   it was told, starts again when the moderator works (a key, a click — told to
   the server at most once a minute), and offers to stay signed in. Without
   this file the session still ends on time; only the warning is missing. */
(function () {
  "use strict";
  var box = document.querySelector("[data-idle]");
  if (!box || !window.fetch) { return; }
  var warn = parseInt(box.getAttribute("data-warn"), 10) || 120;
  var endsAt = Date.now() + (parseInt(box.getAttribute("data-ends-in"), 10) || 0) * 1000;
  var told = Date.now();
  var token = box.querySelector("input[name=csrfmiddlewaretoken]");
  var text = box.querySelector("[data-idle-text]");

  function stay() {
    told = Date.now();
    return fetch(box.getAttribute("data-keepalive"), {
      method: "POST", credentials: "same-origin",
      headers: { "X-CSRFToken": token ? token.value : "", "X-Tribune-Fetch": "1" }
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    }).then(function (answer) {
      endsAt = Date.now() + answer.idle_ends_in * 1000;
      box.hidden = true;
    }).catch(function () { /* the next tick shows the truth */ });
  }

  function left(ms) {
    var s = Math.max(0, Math.round(ms / 1000));
    return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
  }

  function tick() {
    var remaining = endsAt - Date.now();
    if (remaining <= 0) {
      window.location.href = box.getAttribute("data-login") + "?next=" +
        encodeURIComponent(window.location.pathname + window.location.search);
      return;
    }
    if (remaining <= warn * 1000) {
      text.textContent = box.getAttribute("data-text").replace("%(time)s", left(remaining));
      if (box.hidden) { box.hidden = false; box.focus(); }
    }
  }

  ["keydown", "pointerdown"].forEach(function (name) {
    document.addEventListener(name, function () {
      // Working on the page is activity, told at most once a minute.
      if (box.hidden && Date.now() - told > 60000) { stay(); }
    }, true);
  });
  box.querySelector("[data-idle-stay]").addEventListener("click", stay);
  setInterval(tick, 1000);
})();
