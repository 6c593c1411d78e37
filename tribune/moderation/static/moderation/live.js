/* The live queue: new comments, other moderators' decisions and the comments
   they have open reach this page by themselves (Server-Sent Events from
   /moderate/live/stream; tribune.moderation.live_views). The page works without
   this file — a reload shows the same — and when the stream is away the browser
   reconnects by itself with Last-Event-ID, missing nothing. */
(function () {
  "use strict";
  var list = document.querySelector("[data-queue]");
  if (!list || !window.EventSource || !window.fetch) { return; }
  var csrf = document.querySelector("input[name=csrfmiddlewaretoken]");
  var state = document.querySelector("[data-live-state]");
  var order = list.getAttribute("data-order");
  var tab = list.getAttribute("data-status");
  var seenDecisions = {};
  var fetching = {};

  function say(text) { if (state) { state.textContent = text; } }

  function count(delta) {
    var el = document.querySelector('.tabs [aria-current="page"] .count');
    if (el) { el.textContent = String(Math.max(0, (parseInt(el.textContent, 10) || 0) + delta)); }
  }

  function refreshKeys() { if (window.TribuneQueue) { window.TribuneQueue.refresh(); } }

  // Where a new card goes in the page's order (priority: higher first, then
  // older; oldest: at the end; newest: at the top).
  function place(item) {
    var cardEl = item.querySelector("[data-card]");
    var priority = parseInt(cardEl.getAttribute("data-priority"), 10) || 0;
    var submitted = parseInt(cardEl.getAttribute("data-submitted"), 10) || 0;
    var rows = Array.prototype.slice.call(list.children);
    var before = null;
    if (order === "newest") {
      before = rows[0] || null;
    } else if (order === "priority") {
      before = rows.filter(function (row) {
        var c = row.querySelector("[data-card]");
        if (!c) { return false; }
        var p = parseInt(c.getAttribute("data-priority"), 10) || 0;
        var s = parseInt(c.getAttribute("data-submitted"), 10) || 0;
        return p < priority || (p === priority && s > submitted);
      })[0] || null;
    }
    list.insertBefore(item, before);
  }

  function arrived(ids) {
    var wanted = ids.filter(function (id) {
      return !document.getElementById("comment-" + id) && !fetching[id];
    });
    if (!wanted.length || !(tab === "pending" || tab === "all" || tab === "trusted")) { return; }
    wanted.forEach(function (id) { fetching[id] = true; });
    var url = list.getAttribute("data-live-cards") + "&ids=" + wanted.join(",");
    fetch(url, { credentials: "same-origin", headers: { "X-Tribune-Fetch": "1" } })
      .then(function (response) { return response.ok ? response.json() : { cards: [] }; })
      .then(function (answer) {
        var added = 0;
        answer.cards.forEach(function (c) {
          if (document.getElementById("comment-" + c.id)) { return; }
          var holder = document.createElement("ol");
          holder.innerHTML = c.html; // our own server's template, escaped there
          var item = holder.firstElementChild;
          item.classList.add("live-new");
          var cluster = item.querySelector("[data-card]").getAttribute("data-cluster");
          var row = cluster && list.querySelector('[data-cluster-row="' + cluster + '"] .cluster-members > ol');
          if (row) { row.appendChild(item); } else { place(item); }
          added += 1;
        });
        if (added) {
          count(added);
          var empty = document.querySelector("[data-empty]");
          if (empty) { empty.hidden = true; }
          say(list.getAttribute("data-text-new"));
          refreshKeys();
        }
      })
      .finally(function () { wanted.forEach(function (id) { delete fetching[id]; }); });
  }

  function decided(events) {
    var changed = false;
    events.forEach(function (d) {
      if (seenDecisions[d.decision]) { return; }
      seenDecisions[d.decision] = true;
      var cardEl = document.getElementById("comment-" + d.comment);
      if (!cardEl || cardEl.hasAttribute("data-deciding")) { return; }
      // Still here when the decision left the comment in the status its card
      // shows: the reported tab's cards show published comments, and a decision
      // the page already showed comes again within the stream's lookback.
      var shown = cardEl.getAttribute("data-status") || tab;
      var stillHere = tab === "all" || d.status === shown;
      var mark = cardEl.querySelector("[data-decided-mark]");
      if (stillHere) {
        if (cardEl.classList.contains("card-decided-elsewhere")) {
          cardEl.classList.remove("card-decided-elsewhere");
          cardEl.querySelectorAll("button, select, textarea, input").forEach(function (el) { el.disabled = false; });
          if (mark) { mark.textContent = d.line; }
          changed = true;
        }
        return;
      }
      if (cardEl.classList.contains("card-decided-elsewhere")) { return; }
      cardEl.classList.add("card-decided-elsewhere");
      if (mark) { mark.textContent = d.line; mark.hidden = false; }
      cardEl.querySelectorAll("button, select, textarea, input").forEach(function (el) {
        if (el.type === "checkbox") { el.checked = false; }
        el.disabled = true;
      });
      cardEl.querySelectorAll("details[open]").forEach(function (el) { el.open = false; });
      count(-1);
      changed = true;
    });
    if (changed) { refreshKeys(); }
  }

  function opened(map) {
    var template = list.getAttribute("data-text-open");
    document.querySelectorAll("[data-card][data-id]").forEach(function (cardEl) {
      var name = map[cardEl.getAttribute("data-id")];
      var mark = cardEl.querySelector("[data-open-mark]");
      cardEl.classList.toggle("card-open-elsewhere", !!name);
      if (mark) {
        mark.hidden = !name;
        mark.textContent = name ? template.replace("%(name)s", name) : "";
      }
    });
  }

  var since = list.getAttribute("data-live-since");
  var source = new EventSource(list.getAttribute("data-live") + "?since=" + encodeURIComponent(since));
  source.addEventListener("open", function () {
    list.setAttribute("data-live-connected", "");
    say(list.getAttribute("data-text-live"));
  });
  source.addEventListener("error", function () {
    list.removeAttribute("data-live-connected");
    if (source.readyState === EventSource.CLOSED) { say(list.getAttribute("data-text-offline")); }
  });
  source.addEventListener("queue", function (event) {
    var data;
    try { data = JSON.parse(event.data); } catch (e) { return; }
    decided(data.decided || []);
    opened(data.open || {});
    arrived(data.arrived || []);
  });

  // The comment this moderator has open, for the others' queues: said when a
  // card stays current for a moment, repeated while it does, withdrawn on leaving.
  var openTimer = null;
  var repeatTimer = null;
  var openId = "";
  function tell(id) {
    var body = new FormData();
    if (csrf) { body.append("csrfmiddlewaretoken", csrf.value); }
    if (id) { body.append("comment", id); }
    return fetch(list.getAttribute("data-live-open"), {
      method: "POST", body: body, credentials: "same-origin", headers: { "X-Tribune-Fetch": "1" }
    }).catch(function () { /* the next repeat says it again */ });
  }
  document.addEventListener("tribune:current", function (event) {
    var id = event.detail.card ? event.detail.card.getAttribute("data-id") : "";
    clearTimeout(openTimer);
    if (!id || id === openId) { return; }
    // Said once the moderator stays on it (not for every card passed with j/k).
    openTimer = setTimeout(function () {
      openId = id;
      tell(id);
      clearInterval(repeatTimer);
      repeatTimer = setInterval(function () { tell(openId); }, 20000);
    }, 1500);
  });
  window.addEventListener("pagehide", function () {
    source.close();
    if (openId && navigator.sendBeacon && csrf) {
      var body = new FormData();
      body.append("csrfmiddlewaretoken", csrf.value);
      navigator.sendBeacon(list.getAttribute("data-live-open"), body);
    }
  });
})();
