// cohort.js — a "copy" button for the invitation link. Without it the link
// stays a read-only field to select and copy by hand.
(function () {
  "use strict";
  if (!navigator.clipboard) return;
  document.querySelectorAll("button[data-copy]").forEach(function (b) {
    var field = document.getElementById(b.dataset.copy);
    if (!field) return;
    var label = b.textContent;
    b.hidden = false;
    b.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(function () {
        b.textContent = b.dataset.copied;
        setTimeout(function () { b.textContent = label; }, 2000);
      });
    });
  });
})();
