// Progress bars take their width from data-percent (no inline style: the Content-Security-Policy forbids it).
(function () {
  "use strict";
  document.querySelectorAll(".progress-bar[data-percent]").forEach(function (bar) {
    var percent = Math.max(0, Math.min(100, parseFloat(bar.dataset.percent) || 0));
    bar.style.width = percent + "%";
  });
})();
