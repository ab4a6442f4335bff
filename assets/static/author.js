// The course editor, improved when JavaScript runs; every action also works
// without it (forms and buttons). Here: drag-and-drop of modules and lessons
// (posting the same move the ↑/↓ buttons do), a live preview rendered by the
// server through the trainees' sanitizer, and images uploaded as soon as
// they are chosen, their Markdown inserted where the cursor is.
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="csrf-token"]');
  var csrf = meta ? meta.content : "";

  function post(url, body, headers) {
    var h = { "X-CSRF-Token": csrf };
    for (var k in headers || {}) h[k] = headers[k];
    return fetch(url, { method: "POST", body: body, headers: h, credentials: "same-origin" });
  }

  // Drag-and-drop: each list with data-reorder holds items with data-move.
  document.querySelectorAll("[data-reorder]").forEach(function (list) {
    var dragged = null;
    function items() {
      return Array.prototype.filter.call(list.children, function (li) { return li.hasAttribute("data-move"); });
    }
    items().forEach(function (li) {
      li.addEventListener("dragstart", function (e) {
        if (e.target !== li) return;
        e.stopPropagation();
        dragged = li;
        li.classList.add("dragging");
        e.dataTransfer.effectAllowed = "move";
        e.dataTransfer.setData("text/plain", li.id);
      });
      li.addEventListener("dragend", function () {
        li.classList.remove("dragging");
        items().forEach(function (x) { x.classList.remove("drop-target"); });
      });
      li.addEventListener("dragover", function (e) {
        if (!dragged || dragged.parentNode !== list) return;
        e.preventDefault();
        e.stopPropagation();
        li.classList.add("drop-target");
      });
      li.addEventListener("dragleave", function () { li.classList.remove("drop-target"); });
      li.addEventListener("drop", function (e) {
        if (!dragged || dragged.parentNode !== list || dragged === li) return;
        e.preventDefault();
        e.stopPropagation();
        var position = items().indexOf(li) + 1;
        var form = new URLSearchParams();
        form.set("position", String(position));
        form.set("_csrf", csrf);
        post(dragged.getAttribute("data-move"), form).then(function (r) {
          if (r.ok) location.reload();
        });
      });
    });
  });

  // Lesson form: live preview and uploads.
  var form = document.querySelector("form.lesson-form");
  if (!form) return;
  var body = form.querySelector("#body_md");
  var preview = document.getElementById("preview");
  var timer = 0;
  function refresh() {
    post(form.getAttribute("data-preview"), JSON.stringify({ body_md: body.value }), { "Content-Type": "application/json" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (j) { if (j) preview.innerHTML = j.html; }); // sanitized by the server
  }
  body.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 400);
  });

  var file = form.querySelector("#image");
  var alt = form.querySelector("#alt");
  var state = form.querySelector(".upload-state");
  file.addEventListener("change", function () {
    if (!file.files.length) return;
    var data = new FormData();
    data.append("image", file.files[0]);
    data.append("alt", alt.value || file.files[0].name);
    state.textContent = "…";
    post(form.getAttribute("data-upload"), data).then(function (r) {
      return r.json().then(function (j) { return { ok: r.ok, j: j }; });
    }).then(function (res) {
      if (!res.ok) {
        state.textContent = (res.j.errors && res.j.errors[0] && res.j.errors[0].message) || res.j.detail || "";
        return;
      }
      var at = body.selectionEnd || body.value.length;
      var snippet = "\n" + res.j.markdown + "\n";
      body.value = body.value.slice(0, at) + snippet + body.value.slice(at);
      body.focus();
      body.selectionStart = body.selectionEnd = at + snippet.length;
      file.value = "";
      state.textContent = "✓ " + res.j.markdown;
      refresh();
    }).catch(function () { state.textContent = "✗"; });
  });
})();
