/* The demo's article page listens to the comments' frame, as docs/embed.md
   shows a publisher: it sizes the frame to fit its content and scrolls to the
   heading the frame's address points at. Without JavaScript the frame keeps
   its fixed height (demo.css) and scrolls inside. */
(function () {
  "use strict";
  var frame = document.getElementById("tribune-comments");
  if (!frame) return;
  var tribune = new URL(frame.src, location.href).origin;  // Tribune's origin
  window.addEventListener("message", function (event) {
    if (event.origin !== tribune || event.source !== frame.contentWindow) return;
    var data = event.data;
    if (!data || data.type !== "tribune:resize" || typeof data.height !== "number") return;
    frame.style.boxSizing = "content-box";  // the height is the page's, borders aside
    frame.style.height = Math.ceil(data.height) + "px";
    frame.style.maxHeight = "none";
    if (typeof data.anchor === "number") {
      window.scrollTo(0, frame.getBoundingClientRect().top + window.scrollY + data.anchor);
    }
  });
})();
