// Date fields (input[data-date-input]) stay plain text in dd/mm/yyyy, which officials type as they write it
// (28/11/2026, 28.11.2026 or 28-11-2026 are all accepted by the server). This adds a calendar button next to
// each one: it opens the browser's own date picker on a hidden type=date field and writes the chosen day back
// as dd/mm/yyyy. Without JavaScript, or where the picker is missing, typing still works.
(function () {
  "use strict";
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function toIso(text) {
    var m = /^\s*(\d{1,2})[\/.\-](\d{1,2})[\/.\-](\d{4})\s*$/.exec(text || "");
    return m ? m[3] + "-" + pad(+m[2]) + "-" + pad(+m[1]) : "";
  }
  function fromIso(iso) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
    return m ? m[3] + "/" + m[2] + "/" + m[1] : "";
  }
  document.querySelectorAll("input[data-date-input]").forEach(function (input) {
    var native = document.createElement("input");
    native.type = "date";
    if (native.type !== "date") { return; } // very old browser: typing only
    native.className = "date-picker-native";
    native.tabIndex = -1;
    native.setAttribute("aria-hidden", "true");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-outline-secondary date-picker-button";
    button.setAttribute("aria-label", input.dataset.pickerLabel || "");
    button.title = input.dataset.pickerLabel || "";
    button.innerHTML = '<svg aria-hidden="true" width="16" height="16" viewBox="0 0 16 16" fill="currentColor">' +
      '<path d="M3.5 0a.5.5 0 0 1 .5.5V1h8V.5a.5.5 0 0 1 1 0V1h1a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H2a2 2 0 0 1-2-2V3' +
      'a2 2 0 0 1 2-2h1V.5a.5.5 0 0 1 .5-.5M1 4v10a1 1 0 0 0 1 1h12a1 1 0 0 0 1-1V4z"/></svg>';
    input.classList.add("date-input-with-picker");
    input.insertAdjacentElement("afterend", button);
    button.insertAdjacentElement("afterend", native);
    button.addEventListener("click", function () {
      native.value = toIso(input.value);
      if (typeof native.showPicker === "function") {
        try { native.showPicker(); return; } catch (e) { /* fall through */ }
      }
      native.focus();
      native.click();
    });
    native.addEventListener("change", function () {
      if (native.value) {
        input.value = fromIso(native.value);
        input.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
  });
})();
