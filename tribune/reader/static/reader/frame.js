/* Tribune's reader pages inside a publisher's <iframe>: tell the framing page
   how tall this page is, so that it can size the frame to fit, and where the
   heading the address points at (#…) is, so that it can scroll there; a frame
   that fits its content has nothing to scroll itself. The message is
     {type: "tribune:resize", height: <CSS px>, anchor: <CSS px from the top, or absent>}
   and holds nothing else. The page is loaded with this script only when a
   browser says it is framed (Sec-Fetch-Dest: iframe); without JavaScript the
   frame keeps the publisher's fixed height and the page works as it is.
   docs/embed.md has the few lines a publisher's page needs to listen. */
(function () {
  "use strict";
  if (window.parent === window) return;
  // Only a registered site's origin may frame this page (CSP frame-ancestors),
  // so the parent is one of them; where the browser names it, say it exactly.
  var parent = (location.ancestorOrigins && location.ancestorOrigins[0]) || "*";
  var root = document.documentElement;
  var sent = -1;

  function anchor() {
    var id = "";
    try { id = decodeURIComponent(location.hash.slice(1)); } catch (e) { id = ""; }
    var target = id && document.getElementById(id);
    if (target) return Math.max(0, Math.floor(target.getBoundingClientRect().top + window.scrollY));
    // A page that replaces the thread (a question, a report, the terms) is
    // read from its top, wherever the reader was in the thread.
    return document.body.hasAttribute("data-frame-top") ? 0 : null;
  }
  function post(withAnchor) {
    var height = Math.ceil(root.getBoundingClientRect().height);
    var message = { type: "tribune:resize", height: height };
    if (withAnchor) {
      var at = anchor();
      if (at !== null) message.anchor = at;
    }
    if (!withAnchor && height === sent) return;
    sent = height;
    window.parent.postMessage(message, parent);
  }

  post(true);
  if (window.ResizeObserver) {
    new ResizeObserver(function () { post(false); }).observe(root);
  } else {
    window.addEventListener("resize", function () { post(false); });
  }
  window.addEventListener("load", function () { post(false); });
  window.addEventListener("hashchange", function () { post(true); });
})();
