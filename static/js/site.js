// Move focus to the error summary after a failed submit, so screen readers announce it.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
});

// The meeting form: the sessions show only for a sub-regional round. Without JavaScript the
// server decides from the saved or posted form of the meeting.
document.addEventListener("DOMContentLoaded", function () {
  var select = document.querySelector("select[name=forum_type]");
  var parts = document.querySelectorAll("[data-forum-type-only]");
  if (!select || !parts.length) {
    return;
  }
  function toggle() {
    parts.forEach(function (part) {
      part.hidden = select.value !== part.dataset.forumTypeOnly;
    });
  }
  select.addEventListener("change", toggle);
});
