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
  function when(iso) {
    var d = new Date(iso);
    var text = iso;
    try {
      text = d.toLocaleString(conf.lang, { dateStyle: "medium", timeStyle: "short" });
    } catch (e) { /* keep the ISO text */ }
    return el("time", { datetime: iso }, text);
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
    var text = fmt(state, { number: number == null ? "?" : number });
    var clauseTitle = number != null && conf.clauses[String(number)];
    return clauseTitle ? text + " — " + clauseTitle : text;
  }

  function renderOwn() {
    if (!own.length && !notice) return null;
    var list = el("ol", { "class": "trb-own-list" });
    own.forEach(function (c) {
      var state = stateOf(c);
      list.appendChild(el("li", { "class": "trb-own trb-state-" + state, "data-id": c.id },
        el("p", { "class": "trb-meta" }, el("strong", { dir: "auto" }, c.author || ""),
          " ", c.submitted ? when(c.submitted) : null),
        el("p", { "class": "trb-status" }, statusText(c)),
        el("p", { "class": "trb-body", dir: "auto" },
          state === "rejected" ? (c.body || "") : (c.edited_body || c.body || ""))));
    });
    return el("div", { "class": "trb-own-box" },
      el("h3", null, S.own),
      notice ? el("p", { "class": "trb-notice", role: "status" }, notice) : null,
      own.length ? el("p", { "class": "trb-hint" }, S.own_hint) : null,
      own.length ? list : null);
  }

  function renderComment(c, byParent, depth) {
    var children = byParent[c.id] || [];
    var item = el("li", { "class": "trb-comment", id: "tribune-comment-" + c.id },
      el("p", { "class": "trb-meta" }, el("strong", { "class": "trb-author", dir: "auto" },
        c.author), " ", when(c.created)),
      el("p", { "class": "trb-body", dir: "auto" }, c.body),
      c.edited ? el("p", { "class": "trb-edit-note" }, c.edit_clause != null ?
        fmt("edit_note_clause", { number: c.edit_clause }) : S.edit_note) : null);
    if (thread.open) {
      var button = el("button", { type: "button", "class": "trb-link",
        "aria-label": fmt("reply_to", { name: c.author }) }, S.reply);
      button.addEventListener("click", function () {
        replyTo = c;
        render();
        var field = root.querySelector("textarea");
        if (field) field.focus();
      });
      item.appendChild(button);
    }
    if (children.length) {
      var ol = el("ol", { "class": depth < 4 ? "trb-replies" : "trb-replies trb-flat" });
      children.forEach(function (r) { ol.appendChild(renderComment(r, byParent, depth + 1)); });
      item.appendChild(ol);
    }
    return item;
  }

  function renderForm() {
    if (!thread.open) return el("p", { "class": "trb-closed" }, S.closed);
    var nameId = "trb-name", bodyId = "trb-body";
    var name = el("input", { id: nameId, name: "author", type: "text", required: "",
      maxlength: conf.limits.author, dir: "auto", autocomplete: "nickname",
      "aria-describedby": "trb-name-hint" });
    var body = el("textarea", { id: bodyId, name: "body", rows: "6", required: "",
      maxlength: conf.limits.body, dir: "auto", "aria-describedby": "trb-body-hint" });
    name.value = store("tribune-name") || "";
    var error = el("p", { "class": "trb-error", role: "alert", hidden: "" });
    var button = el("button", { type: "submit", "class": "trb-send" },
      thread.moderation === "post" ? S.publish : S.send);
    var form = el("form", { "class": "trb-form", novalidate: "" },
      el("h3", null, replyTo ? S.write_reply : S.write),
      replyTo ? el("p", { "class": "trb-replying" }, fmt("replying", { name: replyTo.author }),
        " ", cancelButton()) : null,
      error,
      el("label", { "for": nameId }, S.name),
      el("p", { "class": "trb-hint", id: "trb-name-hint" },
        fmt("name_hint", { limit: conf.limits.author })),
      name,
      el("label", { "for": bodyId }, S.body),
      el("p", { "class": "trb-hint", id: "trb-body-hint" },
        fmt("body_hint", { limit: conf.limits.body })),
      body,
      el("p", { "class": "trb-hint" }, S.privacy),
      button);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      button.disabled = true;
      button.textContent = S.sending;
      error.hidden = true;
      var payload = { url: conf.url, author: name.value, body: body.value, title: title };
      if (desk) payload.desk = desk;
      if (replyTo) payload.parent = replyTo.id;
      if (form.confirmed) payload.confirm_personal_information = true;
      fetch(base + "/api/v1/comments", {
        method: "POST", credentials: "include", headers: headers(true),
        body: JSON.stringify(payload)
      }).then(function (r) {
        return r.json().then(function (d) { return { ok: r.ok, data: d }; });
      }).then(function (res) {
        if (!res.ok) throw res.data.error || {};
        var d = res.data;
        if (d.commenter_token) store(TOKEN, d.commenter_token);
        store("tribune-name", name.value);
        var mine = { id: d.id, url: conf.url, author: name.value, body: body.value,
          status: d.status, submitted: d.submitted };
        remember(mine);
        own = [mine].concat(own.filter(function (c) { return c.id !== d.id; }));
        notice = d.status === "approved" ? S.sent_published : S.sent;
        replyTo = null;
        render();
        if (d.status === "approved") loadComments();
        var status = root.querySelector(".trb-notice");
        if (status) status.scrollIntoView({ block: "nearest" });
      }).catch(function (e) {
        button.disabled = false;
        button.textContent = thread.moderation === "post" ? S.publish : S.send;
        // Personal details in the text: the reader may send it anyway, knowingly.
        if (e && e.code === "confirm_personal_information") {
          form.confirmed = true;
          button.textContent = S.send_anyway;
        }
        error.textContent = S.not_sent + ": " + (e && e.code ? e.message : S.offline);
        error.hidden = false;
        var field = e && e.field === "author" ? name : (e && e.field === "body" ? body : null);
        if (field) { field.setAttribute("aria-invalid", "true"); field.focus(); }
      });
    });
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
      if (c.parent != null && ids[c.parent]) (byParent[c.parent] = byParent[c.parent] || []).push(c);
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
          status: c.status, decision_clause: last.clause, submitted: c.submitted };
      }).concat(own.filter(function (c) { return !known[c.id]; }));
    }, function () { /* the list this browser remembers is shown */ });
  }

  get("/embed/config" + q({ url: url, desk: desk })).then(function (res) {
    if (!res.ok) throw res.data.error || {};
    conf = res.data;
    S = conf.strings;
    return loadOwn().then(loadComments);
  }).catch(function (e) {
    // A refusal from Tribune says why; a network or CORS failure cannot be read.
    fail(e && e.code ? e.message : "Comments could not be loaded.");
  });
})();
