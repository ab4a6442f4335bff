// quiz.js — autosave, a countdown and a confirmation for the attempt page.
// The page works without it (a plain form); with it, each answer is saved as
// soon as it changes. Saves that fail for lack of a network are kept in
// localStorage and retried, so nothing a trainee typed is lost when a phone
// drops its connection; the server's deadline is the one that counts.
(function () {
  "use strict";
  var form = document.getElementById("attempt");
  if (!form || !window.fetch) return;
  var attempt = form.dataset.attempt;
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  var state = document.getElementById("save-state");
  var storeKey = "tadrib-pending-" + attempt;
  var pending = {};
  try { pending = JSON.parse(localStorage.getItem(storeKey) || "{}"); } catch (e) { pending = {}; }
  var timers = {};
  var retryDelay = 1000;
  var closed = false;

  function show(kind) {
    if (!state) return;
    state.textContent = state.dataset[kind] || "";
    state.className = "save-state " + kind;
  }
  function persist() {
    try { localStorage.setItem(storeKey, JSON.stringify(pending)); } catch (e) { /* private mode: memory only */ }
  }

  function number(text) {
    var map = { "٫": ".", ",": ".", "٬": "" };
    var s = text.trim().replace(/[\s\u00a0\u202f]/g, "").replace(/[٫,٬]/g, function (c) { return map[c]; })
      .replace(/[٠-٩]/g, function (d) { return String(d.charCodeAt(0) - 0x660); })
      .replace(/[۰-۹]/g, function (d) { return String(d.charCodeAt(0) - 0x6f0); });
    var n = Number(s);
    return s === "" || !isFinite(n) ? null : n;
  }

  // answerOf reads one question's answer body (schema `Answer` of
  // internal/apidoc/openapi.json), or null when empty.
  function answerOf(fs) {
    var id = fs.dataset.qid, type = fs.dataset.type, name = "q_" + id;
    var inputs = fs.querySelectorAll('[name="' + name + '"]');
    switch (type) {
      case "single":
        for (var i = 0; i < inputs.length; i++) if (inputs[i].checked) return { choice: inputs[i].value };
        return null;
      case "multiple":
        var cs = [];
        for (var j = 0; j < inputs.length; j++) if (inputs[j].checked) cs.push(inputs[j].value);
        return { choices: cs };
      case "true_false":
        for (var k = 0; k < inputs.length; k++) if (inputs[k].checked) return { value: inputs[k].value === "true" };
        return null;
      case "short": case "essay":
        return inputs[0] && inputs[0].value.trim() !== "" ? { text: inputs[0].value } : null;
      case "numerical":
        var n = inputs[0] ? number(inputs[0].value) : null;
        return n === null ? null : { number: n };
      case "matching":
        var pairs = {}, any = false;
        fs.querySelectorAll("select[data-left]").forEach(function (s) {
          if (s.value) { pairs[s.dataset.left] = s.value; any = true; }
        });
        return any ? { pairs: pairs } : null;
    }
    return null;
  }

  // One save at a time per question: a newer answer waits for the save in
  // flight, then goes, so an older save can never land after a newer one.
  var inFlight = {};
  var retryTimer = null;

  function scheduleRetry() {
    if (retryTimer) return; // one timer for all waiting answers
    retryTimer = setTimeout(function () { retryTimer = null; flush(); }, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 30000);
  }

  function send(qid) {
    var body = pending[qid];
    if (body === undefined || closed || inFlight[qid]) return Promise.resolve();
    inFlight[qid] = true;
    show("saving");
    return fetch("/api/v1/attempts/" + attempt + "/answers/" + encodeURIComponent(qid), {
      method: "PUT", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body)
    }).then(function (r) {
      inFlight[qid] = false;
      if (r.status === 204) {
        if (pending[qid] === body) { delete pending[qid]; persist(); }
        retryDelay = 1000;
        if (pending[qid] !== undefined) return send(qid); // changed meanwhile
        if (Object.keys(pending).length === 0) show("saved");
      } else if (r.status === 409) {
        closed = true; show("closed");
        setTimeout(function () { location.href = "/attempts/" + attempt + "/result"; }, 2500);
      } else if (r.status >= 500 || r.status === 429) {
        throw new Error("retry");
      } else {
        if (pending[qid] === body) { delete pending[qid]; persist(); }
        show("error");
      }
    }).catch(function () {
      inFlight[qid] = false;
      show("offline");
      scheduleRetry();
    });
  }

  function flush() {
    return Promise.all(Object.keys(pending).map(send));
  }

  // The "n of m answered" line follows the trainee's answers.
  var answeredLine = document.getElementById("answered");
  function countAnswered() {
    if (!answeredLine) return;
    var n = 0;
    form.querySelectorAll("fieldset.question").forEach(function (fs) {
      var a = answerOf(fs);
      if (a !== null && !(a.choices && a.choices.length === 0)) n++;
    });
    answeredLine.textContent = answeredLine.textContent.replace(/\d+/, String(n));
  }

  function changed(fs) {
    var body = answerOf(fs);
    countAnswered();
    if (body === null) return;
    var qid = fs.dataset.qid;
    pending[qid] = body; persist();
    clearTimeout(timers[qid]);
    // Typing saves after a pause; a click saves at once.
    var delay = (fs.dataset.type === "short" || fs.dataset.type === "essay" || fs.dataset.type === "numerical") ? 800 : 0;
    timers[qid] = setTimeout(function () { send(qid); }, delay);
  }

  form.querySelectorAll("fieldset.question").forEach(function (fs) {
    fs.addEventListener("change", function () { changed(fs); });
    fs.addEventListener("input", function () { changed(fs); });
  });
  window.addEventListener("online", function () { retryDelay = 1000; flush(); });
  // With autosave on, the "save" button of the plain form is not needed.
  var saveButton = form.querySelector('button[value="save"]');
  if (saveButton) saveButton.hidden = true;
  if (Object.keys(pending).length) flush();

  // Leaving the page (next question, submit) sends what is pending first.
  form.addEventListener("submit", function (ev) {
    var btn = ev.submitter;
    if (btn && btn.id === "finish" && !window.confirm(btn.dataset.confirm)) {
      ev.preventDefault();
    }
  });

  // The countdown shows the server's remaining time; the server enforces it.
  var timer = document.getElementById("timer");
  if (timer) {
    var end = Date.now() + Number(timer.dataset.remaining) * 1000;
    var out = document.getElementById("timer-value");
    var tick = function () {
      var s = Math.max(0, Math.round((end - Date.now()) / 1000));
      var m = Math.floor(s / 60), r = s % 60;
      out.textContent = m + ":" + (r < 10 ? "0" : "") + r;
      timer.classList.toggle("low", s <= 60);
      if (s === 0) {
        flush().then(function () { location.href = "/attempts/" + attempt + "/result"; });
        return;
      }
      setTimeout(tick, 1000);
    };
    tick();
  }
})();
