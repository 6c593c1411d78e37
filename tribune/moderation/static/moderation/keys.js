/* Keyboard shortcuts for the moderation queue. The page works without this
   file: every shortcut only presses a button or opens a form that is on the
   page anyway. No third-party code, no inline script (the CSP forbids both). */
(function () {
  "use strict";
  var STORE = "tribune.queue.index";
  var cards = [];
  var help = document.getElementById("shortcuts");
  var current = -1;
  var awaitingClause = false;
  var clauseDigits = "";
  var clauseTimer = null;
  var busy = false;

  // The cards one moves through: those on view (a folded campaign's cards are
  // reached by unfolding it), not those another moderator decided meanwhile.
  function collect() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-card]")).filter(function (c) {
      var folded = c.parentNode && c.parentNode.closest ? c.parentNode.closest("details:not([open])") : null;
      return !folded && !c.classList.contains("card-decided-elsewhere");
    });
  }

  function refresh() {
    var here = current >= 0 ? cards[current] : null;
    cards = collect();
    current = here ? cards.indexOf(here) : -1;
    if (here && current < 0) { here.classList.remove("current"); }
  }
  cards = collect();
  window.TribuneQueue = { refresh: refresh, card: function () { return card(); } };

  document.documentElement.classList.add("keys-on");

  function select(index, focus) {
    if (!cards.length) { return; }
    index = Math.max(0, Math.min(cards.length - 1, index));
    if (current >= 0 && cards[current]) { cards[current].classList.remove("current"); }
    current = index;
    var card = cards[current];
    card.classList.add("current");
    try { sessionStorage.setItem(STORE, String(current)); } catch (e) { /* private mode */ }
    document.dispatchEvent(new CustomEvent("tribune:current", { detail: { card: card } }));
    if (focus !== false) {
      card.focus({ preventScroll: true });
      card.scrollIntoView({ block: "nearest" });
    }
  }

  function card() { return current >= 0 ? cards[current] : null; }

  function submit(form) {
    if (!form || busy) { return; }
    busy = true;
    if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
  }

  // A decision by keyboard is posted in the background and its card leaves the
  // page, without reloading the queue; the next card becomes current. Any
  // refusal (or a failed request) falls back to the plain form post, so the
  // server's page says what went wrong.
  function decide(form) {
    if (!form || busy) { return; }
    // The page's last card is posted as a plain form: the answer is the next
    // page of the queue, with the server's message. So is a whole campaign.
    if (!window.fetch || !window.FormData || cards.length < 2 || form.hasAttribute("data-plain")) {
      submit(form); return;
    }
    busy = true;
    var here = card();
    // This page's own decision: the live queue leaves the card to this answer.
    here.setAttribute("data-deciding", "");
    fetch(form.getAttribute("action"), {
      method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: { "X-Tribune-Fetch": "1" }
    }).then(function (response) {
      if (response.status === 409) {
        // Someone decided it first: say so on the card; nothing changed.
        return response.json().then(function (answer) {
          busy = false;
          here.removeAttribute("data-deciding");
          var mark = here.querySelector("[data-decided-mark]");
          if (mark) { mark.textContent = answer.error; mark.hidden = false; }
          here.classList.add("card-decided-elsewhere");
          status(answer.error);
          var index = cards.indexOf(here);
          refresh();
          select(Math.min(index, cards.length - 1));
          return null;
        });
      }
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    }).then(function (answer) {
      if (answer === null) { return; }
      busy = false;
      var index = Math.max(0, cards.indexOf(here));
      var item = here.parentNode;
      item.removeChild(here);
      if (item.tagName === "LI" && !item.children.length) { item.parentNode.removeChild(item); }
      refresh();
      current = -1;
      var count = document.querySelector('.tabs [aria-current="page"] .count');
      if (count) { count.textContent = String(Math.max(0, parseInt(count.textContent, 10) - 1)); }
      status(answer.message);
      var undo = document.getElementById("undo-form");
      if (undo && answer.undo) {
        undo.hidden = false;
        undo.querySelector("[data-undo-text]").textContent = answer.undo;
      }
      select(index);
    }).catch(function () {
      busy = false;
      here.removeAttribute("data-deciding");
      submit(form);
    });
  }

  // "r" then a clause's number, one digit or two: decided as soon as the digits
  // name one clause and no longer number starts with them (with clauses 1–12,
  // "3" decides at once; "1" waits for a second digit, Enter or a pause).
  function clauseTyped(here, confirm) {
    clearTimeout(clauseTimer);
    var reject = here.querySelector("[data-reject]");
    var select = reject && reject.querySelector('select[name="clause"]');
    var numbers = select ? Array.prototype.map.call(select.options, function (o) { return o.value; })
      .filter(function (v) { return v; }) : [];
    var exact = numbers.indexOf(clauseDigits) >= 0;
    var longer = numbers.some(function (v) { return v !== clauseDigits && v.indexOf(clauseDigits) === 0; });
    function go() {
      awaitingClause = false;
      clauseDigits = "";
      if (!exact) {
        var queue = document.querySelector("[data-queue]");
        status(queue ? queue.getAttribute("data-no-clause") : "");
        return;
      }
      decide(reject.querySelector("form"));
    }
    if (exact) { select.value = clauseDigits; }
    if (confirm || !longer) { go(); return; }
    status(clauseDigits + "…");
    clauseTimer = setTimeout(go, 1500);
  }

  function toggleHelp(show) {
    if (!help) { return; }
    var open = show === undefined ? !document.body.classList.contains("help-open") : show;
    document.body.classList.toggle("help-open", open);
    if (open) { help.focus(); } else if (card()) { card().focus({ preventScroll: true }); }
  }

  function status(text) {
    var live = document.getElementById("keys-status");
    if (!live) {
      live = document.createElement("p");
      live.id = "keys-status";
      live.className = "keys-status";
      live.setAttribute("role", "status");
      document.body.appendChild(live);
    }
    live.textContent = text;
    clearTimeout(status.timer);
    status.timer = setTimeout(function () { live.textContent = ""; }, 6000);
  }

  function typing(target) {
    var tag = (target.tagName || "").toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || target.isContentEditable;
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var key = event.key;
    if (key === "Escape") {
      awaitingClause = false;
      toggleHelp(false);
      var c = card();
      if (c) {
        c.querySelectorAll("details[open]").forEach(function (d) { d.open = false; });
        c.focus({ preventScroll: true });
      }
      return;
    }
    if (typing(event.target)) { return; }
    var here = card();
    if (awaitingClause) {
      if ((/^[0-9]$/.test(key) || (key === "Enter" && clauseDigits)) && here) {
        event.preventDefault();
        if (key !== "Enter") { clauseDigits += key; }
        clauseTyped(here, key === "Enter");
        return;
      }
      awaitingClause = false;
      clauseDigits = "";
    }
    switch (key) {
      case "j": event.preventDefault(); select(current + 1); break;
      case "k": event.preventDefault(); select(current - 1); break;
      case "a":
        if (here) {
          event.preventDefault();
          decide(here.querySelector("[data-approve]") || here.querySelector("[data-keep]"));
        }
        break;
      case "r":
        if (here && here.querySelector("[data-reject]")) {
          event.preventDefault();
          var details = here.querySelector("[data-reject]");
          details.open = true;
          awaitingClause = true;
          clauseDigits = "";
          details.querySelector("select").scrollIntoView({ block: "nearest" });
        }
        break;
      case "e":
        if (here && here.querySelector("[data-edit]")) {
          event.preventDefault();
          var edit = here.querySelector("[data-edit]");
          edit.open = true;
          var area = edit.querySelector("textarea");
          area.focus();
          area.setSelectionRange(area.value.length, area.value.length);
        }
        break;
      case "x":
        if (here) {
          var box = here.querySelector("[data-select]");
          if (box) { event.preventDefault(); box.checked = !box.checked; }
        }
        break;
      case "u": event.preventDefault(); submit(document.getElementById("undo-form")); break;
      case "h":
        if (here && here.querySelector("[data-history]")) {
          event.preventDefault();
          window.location.href = here.querySelector("[data-history]").href;
        }
        break;
      case "o":
        if (here) { event.preventDefault(); here.classList.toggle("expanded"); }
        break;
      case "?": event.preventDefault(); toggleHelp(); break;
      default: break;
    }
  });

  document.querySelectorAll("[data-keys-help]").forEach(function (link) {
    link.addEventListener("click", function (event) { event.preventDefault(); toggleHelp(true); });
  });
  document.addEventListener("focusin", function (event) {
    var c = event.target.closest ? event.target.closest("[data-card]") : null;
    // The innermost card: a campaign's own card holds its members' cards.
    var i = c ? cards.indexOf(c) : -1;
    if (i >= 0 && current !== i) { select(i, false); }
  });
  // In the compact view a comment's text shows two lines; a click shows it whole.
  document.addEventListener("click", function (event) {
    var body = event.target.closest ? event.target.closest(".compact .body") : null;
    if (body && !window.getSelection().toString()) {
      body.closest("[data-card]").classList.toggle("expanded");
    }
  });
  document.querySelectorAll(".cluster-members").forEach(function (d) {
    d.addEventListener("toggle", refresh);
  });

  // Come back to where the moderator was: a card named in the address, else
  // the same position (after a decision, the next comment has moved up to it).
  var start = 0;
  var named = window.location.hash && document.getElementById(window.location.hash.slice(1));
  if (named && cards.indexOf(named) >= 0) {
    start = cards.indexOf(named);
  } else {
    try { start = parseInt(sessionStorage.getItem(STORE) || "0", 10) || 0; } catch (e) { start = 0; }
  }
  var refused = document.querySelector(".card-refused");
  if (refused) { start = cards.indexOf(refused); }
  if (cards.length && !document.querySelector("details[open] textarea:focus")) { select(start); }
})();
