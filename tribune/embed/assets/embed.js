/* Tribune comments widget. One tag on an article page:
   <script src="https://TRIBUNE/embed.js" data-url="ARTICLE_URL" data-title="TITLE"
           data-desk="CODE" async></script>
   Everything it shows is inserted as text (textContent), never as HTML. It talks
   to its own origin only. */
(function () {
  "use strict";
  var script = document.currentScript ||
    document.querySelector('script[src$="/embed.js"]:not([data-tribune-done])');
  if (!script || script.getAttribute("data-tribune-done")) return;
  script.setAttribute("data-tribune-done", "1");
  var base = new URL(script.src, location.href).origin;
  var canonical = document.querySelector('link[rel="canonical"]');
  var url = script.getAttribute("data-url") || (canonical && canonical.href) ||
    location.href.split("#")[0];
  var title = script.getAttribute("data-title") || document.title || "";
  var desk = script.getAttribute("data-desk") || "";
  var TOKEN = "tribune-commenter", SENT = "tribune-sent";

  var host = document.createElement("div");
  host.className = "tribune-comments";
  script.parentNode.insertBefore(host, script.nextSibling);
  var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
  var css = document.createElement("link");
  css.rel = "stylesheet";
  css.href = base + "/embed.css";
  root.appendChild(css);
  var box = el("section", { "class": "trb", "aria-live": "polite" });
  root.appendChild(box);

  var S = {}, conf = null, thread = null, published = [], own = [], replyTo = null,
    notice = null;
  // What the reader is typing survives re-rendering (a reply chosen, a report
  // opened); the question asked before personal information is sent; reports.
  var draft = { author: null, body: "", email: "" }, asking = null, reportFor = null,
    reported = {};

  function el(tag, attrs) {
    var node = document.createElement(tag);
    for (var k in attrs || {}) if (attrs[k] != null) node.setAttribute(k, attrs[k]);
    for (var i = 2; i < arguments.length; i++) {
      var c = arguments[i];
      if (c == null || c === false) continue;
      if (typeof c === "string" || typeof c === "number") c = document.createTextNode(String(c));
      node.appendChild(c);
    }
    return node;
  }
  function fmt(key, values) {
    return String(S[key] || key).replace(/%\((\w+)\)s/g, function (m, name) {
      return values && values[name] != null ? String(values[name]) : m;
    });
  }
  function store(key, value) {
    try {
      if (value === undefined) return JSON.parse(localStorage.getItem(key) || "null");
      localStorage.setItem(key, JSON.stringify(value));
    } catch (e) { return null; }
  }
  function headers(json) {
    var h = {};
    var token = store(TOKEN);
    if (token) h["X-Tribune-Commenter"] = token;
    if (json) h["Content-Type"] = "application/json";
    return h;
  }
  function get(path, withCredentials, fresh) {
    return fetch(base + path, {
      credentials: withCredentials ? "include" : "omit",
      headers: withCredentials ? headers(false) : {},
      cache: fresh ? "no-cache" : "default"
    }).then(function (r) {
      return r.json().then(function (d) { return { ok: r.ok, status: r.status, data: d }; },
        function () { return { ok: false, status: r.status, data: {} }; });
    });
  }
  function q(params) {
    var parts = [];
    for (var k in params) if (params[k]) parts.push(k + "=" + encodeURIComponent(params[k]));
    return "?" + parts.join("&");
  }
  function when(iso, times) {
    // Published times come coarse (the site's day, hour or minute, in the desk's
    // time zone): shown in that zone at that precision, never finer.
    var d = new Date(iso);
    var text = iso;
    var options = { dateStyle: "medium", timeStyle: "short" };
    if (times === "day") options = { dateStyle: "medium" };
    if (times && thread && thread.time_zone) options.timeZone = thread.time_zone;
    if (times && times !== "day") options.timeZoneName = "short";
    try {
      text = d.toLocaleString(conf.lang, options);
    } catch (e) {
      try { delete options.timeZone; text = d.toLocaleString(conf.lang, options); }
      catch (e2) { /* keep the ISO text */ }
    }
    return el("time", { datetime: times === "day" ? iso.slice(0, 10) : iso }, text);
  }

  function sentHere() {
    return (store(SENT) || []).filter(function (c) { return c.url === (conf && conf.url); });
  }
  function remember(comment) {
    var all = (store(SENT) || []).filter(function (c) { return c.id !== comment.id; });
    all.unshift(comment);
    store(SENT, all.slice(0, 50));
  }

  function stateOf(c) {
    var status = c.status;
    if (status === "approved" || status === "published" || status === "edited") {
      return c.edited || c.edited_body || status === "edited" ? "edited" : "published";
    }
    return status === "rejected" ? "rejected" : "pending";
  }
  function clauseOf(c) {
    return c.decision_clause != null ? c.decision_clause : (c.clause != null ? c.clause : null);
  }
  function statusText(c) {
    var state = stateOf(c), number = clauseOf(c);
    if (state === "pending") return S.pending;
    if (state === "published") return S.published;
    var clauseTitle = number != null && conf.clauses[String(number)];
    if (clauseTitle) return fmt(state + "_title", { number: number, title: clauseTitle });
    return fmt(state, { number: number == null ? "?" : number });
  }
  function authorOf(id) {
    for (var i = 0; i < published.length; i++) if (published[i].id === id) return published[i].author;
    return null;
  }
  function clauseLink(number) {
    return el("p", { "class": "trb-hint" }, el("a", { href: conf.terms + "#clause-" + number,
      target: "_blank", rel: "noopener" }, fmt("read_clause", { number: number })));
  }

  function renderOwn() {
    if (!own.length && !notice) return null;
    var list = el("ol", { "class": "trb-own-list" });
    own.forEach(function (c) {
      var state = stateOf(c), number = clauseOf(c);
      var parent = c.parent != null ? authorOf(c.parent) : null;
      var original = state === "edited" && c.edited_body && c.body !== c.edited_body ? c.body : "";
      list.appendChild(el("li", { "class": "trb-own trb-state-" + state, "data-id": c.id },
        el("p", { "class": "trb-meta" }, el("strong", { dir: "auto" }, c.author || ""),
          " ", c.submitted ? when(c.submitted) : null),
        el("p", { "class": "trb-status" }, statusText(c)),
        (state === "edited" || state === "rejected") && number != null ? clauseLink(number) : null,
        parent ? el("p", { "class": "trb-hint" }, fmt("in_reply_to", { name: parent })) : null,
        el("p", { "class": "trb-body", dir: "auto" },
          state === "rejected" ? (c.body || "") : (c.edited_body || c.body || "")),
        original ? el("details", { "class": "trb-original" }, el("summary", null, S.original),
          el("p", { "class": "trb-body", dir: "auto" }, original)) : null));
    });
    return el("div", { "class": "trb-own-box" },
      el("h3", null, S.own),
      notice ? el("p", { "class": "trb-notice", role: "status" }, notice) : null,
      own.length ? el("p", { "class": "trb-hint" }, S.own_hint) : null,
      own.length ? list : null);
  }

  function editNote(c) {
    var title = c.edit_clause != null && conf.clauses[String(c.edit_clause)];
    if (title) return fmt("edit_note_title", { number: c.edit_clause, title: title });
    return c.edit_clause != null ? fmt("edit_note_clause", { number: c.edit_clause }) : S.edit_note;
  }

  // inReplyTo: set when the comment is shown below another than the one it answers.
  function renderComment(c, byParent, depth, inReplyTo) {
    var children = byParent[c.id] || [];
    var item = el("li", { "class": c.featured ? "trb-comment trb-featured" : "trb-comment",
      id: "tribune-comment-" + c.id },
      c.featured ? el("p", { "class": "trb-featured-mark" }, S.featured) : null,
      el("p", { "class": "trb-meta" }, el("strong", { "class": "trb-author", dir: "auto" },
        c.author), " ", when(c.created, (thread && thread.times) || "day")),
      inReplyTo ? el("p", { "class": "trb-hint" }, fmt("in_reply_to", { name: inReplyTo })) : null,
      el("p", { "class": "trb-body", dir: "auto" }, c.body),
      c.edited ? el("p", { "class": "trb-edit-note" }, editNote(c)) : null);
    var actions = el("p", { "class": "trb-actions" });
    if (thread.open) {
      var button = el("button", { type: "button", "class": "trb-link",
        "aria-label": fmt("reply_to", { name: c.author }) }, S.reply);
      button.addEventListener("click", function () {
        replyTo = c;
        render();
        var field = root.querySelector("#trb-body");
        if (field) field.focus();
      });
      actions.appendChild(button);
      actions.appendChild(document.createTextNode(" "));
    }
    var report = el("button", { type: "button", "class": "trb-link",
      "aria-label": fmt("report_who", { name: c.author }),
      "aria-expanded": reportFor === c.id ? "true" : "false" }, S.report);
    report.addEventListener("click", function () {
      reportFor = reportFor === c.id ? null : c.id;
      render();
      var first = root.querySelector(".trb-report input");
      if (first) first.focus();
    });
    if (!reported[c.id]) actions.appendChild(report);
    item.appendChild(actions);
    if (reported[c.id]) {
      item.appendChild(el("p", { "class": "trb-notice", role: "status" }, S.report_sent));
    } else if (reportFor === c.id) {
      item.appendChild(renderReport(c));
    }
    if (children.length) {
      var flat = depth >= 4;
      var ol = el("ol", { "class": flat ? "trb-replies trb-flat" : "trb-replies" });
      children.forEach(function (r) {
        ol.appendChild(renderComment(r, byParent, depth + 1, flat ? c.author : null));
      });
      item.appendChild(ol);
    }
    return item;
  }

  // Report a published comment with a reason, as /embed/report does without scripts.
  function renderReport(c) {
    var error = el("p", { "class": "trb-error", role: "alert", hidden: "" });
    var reasons = el("fieldset", { "class": "trb-reasons" }, el("legend", null, S.report_why));
    conf.report_reasons.forEach(function (r) {
      var id = "trb-reason-" + r[0];
      reasons.appendChild(el("p", { "class": "trb-choice" },
        el("input", { type: "radio", name: "reason", id: id, value: r[0], required: "" }),
        " ", el("label", { "for": id }, r[1])));
    });
    var text = el("textarea", { id: "trb-report-text", name: "text", rows: "3",
      maxlength: conf.limits.report, dir: "auto" });
    var send = el("button", { type: "submit", "class": "trb-send" }, S.report_send);
    var cancel = el("button", { type: "button", "class": "trb-link" }, S.report_cancel);
    cancel.addEventListener("click", function () { reportFor = null; render(); });
    var form = el("form", { "class": "trb-report", novalidate: "" },
      el("h4", null, S.report_heading), error, reasons,
      el("label", { "for": "trb-report-text" }, S.report_text), text,
      el("p", { "class": "trb-hint" }, S.report_anonymous),
      el("p", { "class": "trb-buttons" }, send, " ", cancel));
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var chosen = form.querySelector("input[name=reason]:checked");
      send.disabled = true;
      error.hidden = true;
      fetch(base + "/api/v1/comments/" + c.id + "/reports", {
        method: "POST", credentials: "omit", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ reason: chosen ? chosen.value : "", text: text.value })
      }).then(function (r) {
        return r.json().then(function (d) { return { ok: r.ok, data: d }; });
      }).then(function (res) {
        if (!res.ok) throw res.data.error || {};
        reported[c.id] = true;
        reportFor = null;
        render();
      }).catch(function (e) {
        send.disabled = false;
        error.textContent = S.report_not_sent + ": " + (e && e.code ? e.message : S.offline);
        error.hidden = false;
      });
    });
    return form;
  }

  function renderForm() {
    if (!thread.open) return el("p", { "class": "trb-closed" }, S.closed);
    var name = el("input", { id: "trb-name", name: "author", type: "text", required: "",
      maxlength: conf.limits.author, dir: "auto", autocomplete: "nickname",
      "aria-describedby": "trb-name-hint" });
    var body = el("textarea", { id: "trb-body", name: "body", rows: "6", required: "",
      maxlength: conf.limits.body, dir: "auto", "aria-describedby": "trb-body-hint" });
    var email = el("input", { id: "trb-email", name: "email", type: "email",
      maxlength: conf.limits.email, dir: "ltr", autocomplete: "email", spellcheck: "false",
      "aria-describedby": "trb-email-hint" });
    name.value = draft.author != null ? draft.author : (store("tribune-name") || "");
    body.value = draft.body;
    email.value = draft.email;
    var error = el("p", { "class": "trb-error", role: "alert", hidden: "" });
    var label = thread.moderation === "post" ? S.publish : S.send;
    var button = el("button", { type: "submit", "class": "trb-send" }, label);
    // Personal information in the text: ask, as the thread page does. Editing is
    // the first choice; sending anyway is the reader's to make, knowingly.
    var edit = el("button", { type: "button", "class": "trb-send" }, S.edit_comment);
    var anyway = el("button", { type: "button", "class": "trb-secondary" }, S.send_anyway);
    var reason = el("p", null, asking || "");
    var question = el("div", { "class": "trb-warning", role: "alert", hidden: asking ? null : "" },
      el("h4", null, S.confirm), reason, el("p", { "class": "trb-buttons" }, edit, " ", anyway));
    button.hidden = !!asking;
    function ask(message) {
      asking = message;
      reason.textContent = message || "";
      question.hidden = !message;
      button.hidden = !!message;
    }
    name.addEventListener("input", function () { draft.author = name.value; });
    body.addEventListener("input", function () { draft.body = body.value; ask(null); });
    email.addEventListener("input", function () { draft.email = email.value; });
    edit.addEventListener("click", function () { ask(null); body.focus(); });

    var form = el("form", { "class": "trb-form", novalidate: "" },
      el("h3", null, replyTo ? S.write_reply : S.write),
      replyTo ? el("div", { "class": "trb-replying" },
        el("p", null, fmt("replying", { name: replyTo.author }), " ", cancelButton()),
        el("blockquote", { dir: "auto" }, replyTo.body.length > 200 ?
          replyTo.body.slice(0, 199) + "…" : replyTo.body)) : null,
      error,
      el("label", { "for": "trb-name" }, S.name),
      el("p", { "class": "trb-hint", id: "trb-name-hint" },
        fmt("name_hint", { limit: conf.limits.author })),
      name,
      el("label", { "for": "trb-body" }, S.body),
      el("p", { "class": "trb-hint", id: "trb-body-hint" },
        fmt("body_hint", { limit: conf.limits.body })),
      body,
      el("label", { "for": "trb-email" }, S.email),
      el("p", { "class": "trb-hint", id: "trb-email-hint" }, S.email_hint),
      email,
      el("p", { "class": "trb-hint" }, S.privacy),
      question,
      button);

    function send(confirmed) {
      button.disabled = anyway.disabled = true;
      button.textContent = S.sending;
      error.hidden = true;
      [name, body, email].forEach(function (f) { f.removeAttribute("aria-invalid"); });
      var payload = { url: conf.url, author: name.value, body: body.value, title: title,
        desk: conf.desk };
      if (desk) payload.desk = desk;
      if (replyTo) payload.parent = replyTo.id;
      if (email.value.trim()) payload.email = email.value;
      if (confirmed) payload.confirm_personal_information = true;
      if (issued) payload.issued = issued;
      fetch(base + "/api/v1/comments", {
        method: "POST", credentials: "include", headers: headers(true),
        body: JSON.stringify(payload)
      }).then(function (r) {
        return r.json().then(function (d) { return { ok: r.ok, data: d }; });
      }).then(function (res) {
        if (!res.ok) throw res.data.error || {};
        var d = res.data;
        loadStamp();
        if (d.commenter_token) store(TOKEN, d.commenter_token);
        store("tribune-name", name.value);
        var mine = { id: d.id, url: conf.url, author: name.value, body: body.value,
          parent: replyTo ? replyTo.id : null, status: d.status, submitted: d.submitted };
        remember(mine);
        own = [mine].concat(own.filter(function (c) { return c.id !== d.id; }));
        notice = d.status === "approved" ? S.sent_published : S.sent;
        replyTo = null;
        asking = null;
        draft = { author: null, body: "", email: "" };
        render();
        if (d.status === "approved") loadComments();
        var status = root.querySelector(".trb-notice");
        if (status) status.scrollIntoView({ block: "nearest" });
      }).catch(function (e) {
        button.disabled = anyway.disabled = false;
        button.textContent = label;
        if (e && e.code === "confirm_personal_information") {
          ask(e.message);
          edit.focus();
          return;
        }
        ask(null);
        if (e && /^(form_expired|form_tampered|too_fast)$/.test(e.code)) loadStamp();
        error.textContent = S.not_sent + ": " + (e && e.code ? e.message : S.offline);
        error.hidden = false;
        var field = { author: name, body: body, email: email }[e && e.field];
        if (field) { field.setAttribute("aria-invalid", "true"); field.focus(); }
      });
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      send(false);
    });
    anyway.addEventListener("click", function () { send(true); });
    return form;
  }
  function cancelButton() {
    var b = el("button", { type: "button", "class": "trb-link" }, S.cancel);
    b.addEventListener("click", function () { replyTo = null; render(); });
    return b;
  }

  function render() {
    var byParent = {}, top = [], ids = {};
    published.forEach(function (c) { ids[c.id] = true; });
    published.forEach(function (c) {
      // A featured comment leads the thread (the render lists it first), reply or not.
      if (c.parent != null && ids[c.parent] && !c.featured) (byParent[c.parent] = byParent[c.parent] || []).push(c);
      else top.push(c);
    });
    var list = el("ol", { "class": "trb-comments" });
    top.forEach(function (c) { list.appendChild(renderComment(c, byParent, 0)); });
    box.setAttribute("lang", conf.lang);
    box.setAttribute("dir", conf.dir);
    box.textContent = "";
    box.appendChild(el("h2", null, S.heading));
    box.appendChild(el("div", { "class": "trb-about" },
      el("p", { "class": "trb-moderation" }, thread.moderation === "post" ? S.post : S.pre),
      el("p", null, S.guidelines),
      el("p", { "class": "trb-disclaimer" }, fmt("disclaimer", { publisher: conf.site }), " ",
        el("a", { href: conf.terms, target: "_blank", rel: "noopener" }, S.terms)),
      el("p", null, el("a", { href: conf.page, target: "_blank", rel: "noopener" }, S.page))));
    var mine = renderOwn();
    if (mine) box.appendChild(mine);
    box.appendChild(renderForm());
    box.appendChild(el("h3", { "class": "trb-count" },
      fmt("count", { count: published.length })));
    box.appendChild(published.length ? list : el("p", { "class": "trb-empty" }, S.empty));
  }

  function fail(message) {
    box.textContent = "";
    box.appendChild(el("p", { "class": "trb-error", role: "alert" }, message));
    box.appendChild(el("p", null, el("a", {
      href: base + "/embed/thread" + q({ url: url }), target: "_blank", rel: "noopener"
    }, S.page || "Comments")));
  }

  // Tribune's own faces for the scripts a reader's machine may lack. Declared in
  // the page, not in the widget's shadow root, where browsers ignore @font-face;
  // each face is downloaded only if the page shows a character of its script.
  function addFonts(href) {
    if (!href || document.querySelector('link[data-tribune-fonts]')) return;
    var link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = href;
    link.setAttribute("data-tribune-fonts", "");
    document.head.appendChild(link);
  }

  // The form's signed time of issue (GET /api/v1/stamp), as the thread page's form
  // carries one: a comment sent seconds after it is weighed with the other signs
  // of a program. Each sent comment, and each refusal about it, takes a new one.
  var issued = null;
  function loadStamp() {
    return get("/api/v1/stamp" + q({ url: conf.url }), false, true).then(function (res) {
      issued = res.ok ? res.data.issued : null;
    }, function () { issued = null; });
  }

  function loadComments() {
    // A reader waiting for a decision revalidates (a cheap 304) rather than
    // reading a copy cached before the decision.
    return get("/api/v1/comments" + q({ url: conf.url }), false, own.length > 0).then(function (res) {
      if (!res.ok) throw res.data.error || {};
      thread = res.data.thread;
      published = res.data.comments || [];
      var shown = {};
      published.forEach(function (c) { shown[c.id] = c; });
      // What this browser sent and has since been published is known from the
      // published view, even without the reader's own-comments endpoint.
      own.forEach(function (c) {
        if (shown[c.id] && c.status === "pending") {
          c.status = "approved";
          c.edited = shown[c.id].edited;
          c.edited_body = shown[c.id].edited ? shown[c.id].body : null;
          c.decision_clause = shown[c.id].edit_clause;
        }
      });
      render();
    });
  }

  function loadOwn() {
    own = sentHere();
    if (!own.length && !store(TOKEN)) return Promise.resolve();
    return get("/api/v1/me/comments" + q({ url: conf.url }), true).then(function (res) {
      // GET /api/v1/me/comments: every comment of this commenter, oldest first.
      var mine = ((res.ok && res.data && res.data.comments) || []).filter(function (c) {
        return c.url === conf.url;
      }).reverse();
      if (!mine.length) return;
      var known = {};
      mine.forEach(function (c) { known[c.id] = true; });
      own = mine.map(function (c) {
        var last = (c.decisions || [])[(c.decisions || []).length - 1] || {};
        return { id: c.id, author: c.author, body: c.body, edited_body: c.edited_body,
          parent: c.parent, status: c.status, decision_clause: last.clause,
          submitted: c.submitted };
      }).concat(own.filter(function (c) { return !known[c.id]; }));
    }, function () { /* the list this browser remembers is shown */ });
  }

  get("/embed/config" + q({ url: url, desk: desk })).then(function (res) {
    if (!res.ok) throw res.data.error || {};
    conf = res.data;
    S = conf.strings;
    addFonts(conf.fonts);
    loadStamp();
    return loadOwn().then(loadComments);
  }).catch(function (e) {
    // A refusal from Tribune says why; a network or CORS failure cannot be read.
    fail(e && e.code ? e.message : "Comments could not be loaded.");
  });
})();
