// Running totals on the score sheet. The page works without this: the server shows totals after saving.
(function () {
  "use strict";
  var form = document.getElementById("score-sheet");
  if (!form) { return; }
  function update() {
    var overall = 0, chosen = 0;
    form.querySelectorAll(".sheet-option").forEach(function (label) {
      var input = label.querySelector("input[type=radio]");
      if (input) { label.classList.toggle("chosen", input.checked); }
    });
    form.querySelectorAll("[data-part]").forEach(function (part) {
      var sum = 0;
      part.querySelectorAll("input[type=radio]:checked").forEach(function (input) { sum += parseInt(input.value, 10); chosen += 1; });
      var out = document.querySelector("[data-part-total='" + part.dataset.part + "']");
      if (out) { out.textContent = sum; }
      overall += sum;
    });
    document.querySelectorAll("[data-total]").forEach(function (el) { el.textContent = overall; });
    document.querySelectorAll("[data-chosen]").forEach(function (el) { el.textContent = chosen; });
  }
  form.addEventListener("change", update);
  form.querySelectorAll("[data-clear]").forEach(function (button) {
    button.addEventListener("click", function () {
      form.querySelectorAll("input[name='" + button.dataset.clear + "']").forEach(function (i) { i.checked = false; });
      update();
    });
  });
  update();
})();
