// A select marked data-autosubmit sends its form as soon as another option is chosen (the budget page's year).
// Progressive enhancement: the form keeps its own submit button, which works without JavaScript. No inline
// onchange: the Content-Security-Policy blocks it.
(function () {
  "use strict";
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () {
      var form = select.form;
      if (!form) {
        return;
      }
      if (typeof form.requestSubmit === "function") {
        form.requestSubmit();
      } else {
        form.submit();
      }
    });
  });
})();
