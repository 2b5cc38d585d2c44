/* Draws the dashboard's charts from the JSON that the page carries in <script type="application/json"
   id="dashboard-data"> (Django's json_script: data, never executed). No inline script: the page works under a strict
   Content-Security-Policy. Every chart has the same numbers in a table beside it, so nothing is lost without it. */
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source || typeof window.Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var GREEN = "#2e7d32";
  var GREY = "#757575"; // every colour has at least 3:1 contrast on white (WCAG 1.4.11)
  var STAR_COLOURS = ["#757575", "#546e7a", "#b26a00", "#d84315", "#b71c1c"];

  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.color = "#212529";
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;

  // Long category names (communes, product groups) are shortened on the axis, more on a phone; the tooltip and the
  // table beside the chart give them in full.
  function labelAxis(canvas) {
    var max = canvas.parentNode.clientWidth < 420 ? 14 : 30;
    return {
      ticks: {
        autoSkip: false,
        callback: function (value) {
          var label = String(this.getLabelForValue(value));
          return label.length > max ? label.slice(0, max - 1) + "\u2026" : label;
        }
      }
    };
  }

  function integerAxis(extra) {
    var axis = { beginAtZero: true, ticks: { precision: 0 } };
    return Object.assign(axis, extra || {});
  }

  var builders = {
    targets: function (d, canvas) {
      return {
        type: "bar",
        data: {
          labels: d.labels,
          datasets: [
            { label: d.series[0], data: d.target, backgroundColor: GREY },
            { label: d.series[1], data: d.actual, backgroundColor: GREEN }
          ]
        },
        options: { indexAxis: "y", scales: { x: integerAxis(), y: labelAxis(canvas) } }
      };
    },
    funnel: function (d, canvas) {
      return {
        type: "bar",
        data: { labels: d.labels, datasets: [{ label: d.series, data: d.values, backgroundColor: GREEN }] },
        options: {
          indexAxis: "y",
          plugins: { legend: { display: false } },
          scales: { x: integerAxis(), y: labelAxis(canvas) }
        }
      };
    },
    stars: function (d) {
      return {
        type: "bar",
        data: { labels: d.labels, datasets: [{ label: d.series, data: d.values, backgroundColor: STAR_COLOURS }] },
        options: { plugins: { legend: { display: false } }, scales: { y: integerAxis() } }
      };
    },
    communes: function (d, canvas) {
      return pairs(d, canvas);
    },
    groups: function (d, canvas) {
      return pairs(d, canvas);
    },
    history: function (d) {
      return {
        type: "bar",
        data: {
          labels: d.labels,
          datasets: d.stars.map(function (s, i) {
            return { label: s.label, data: s.values, backgroundColor: STAR_COLOURS[i] };
          })
        },
        options: { scales: { x: { stacked: true }, y: integerAxis({ stacked: true }) } }
      };
    }
  };

  // Horizontal bars, one row per commune or group: the box grows with the rows (CSSOM, allowed by the CSP).
  function fitRows(canvas, rows) {
    canvas.parentNode.style.height = Math.max(160, rows * 34 + 70) + "px";
  }

  function pairs(d, canvas) {
    return {
      type: "bar",
      data: {
        labels: d.labels,
        datasets: [
          { label: d.series[0], data: d.dossiers, backgroundColor: GREY },
          { label: d.series[1], data: d.recognised, backgroundColor: GREEN }
        ]
      },
      options: { indexAxis: "y", scales: { x: integerAxis(), y: labelAxis(canvas) } }
    };
  }

  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var name = canvas.getAttribute("data-chart");
    if (builders[name] && data[name]) {
      if (canvas.parentNode.classList.contains("chart-rows")) {
        fitRows(canvas, data[name].labels.length);
      }
      new Chart(canvas, builders[name](data[name], canvas));
      canvas.setAttribute("data-drawn", "true");
    }
  });
})();
