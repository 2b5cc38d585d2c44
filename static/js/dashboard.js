/* Draws the dashboard's charts from the JSON that the page carries in <script type="application/json"
   id="dashboard-data"> (Django's json_script: data, never executed). No inline script: the page works under a strict
   Content-Security-Policy. Every chart has the same numbers in a table beside it, so nothing is lost without it.

   A phone must stay responsive while the charts are drawn (issue 18, item 13): nothing happens before the first
   paint; then Chart.js is fetched (its URL is this script's data-chartjs), and the charts are drawn one per idle
   period, those on screen (or about to be) first, the others afterwards, so no single task blocks the page for
   long. The page's <div data-charts> gets data-charts-done="true" once every chart is drawn. */
(function () {
  "use strict";
  var script = document.currentScript;
  var source = document.getElementById("dashboard-data");
  if (!source || !script) {
    return;
  }
  var data = JSON.parse(source.textContent);
  var GREEN = "#2e7d32";
  var GREY = "#757575"; // every colour has at least 3:1 contrast on white (WCAG 1.4.11)
  var STAR_COLOURS = ["#757575", "#546e7a", "#b26a00", "#d84315", "#b71c1c"];

  // Long category names (communes, product groups, funnel steps) are wrapped onto several lines on the axis,
  // never cut: Chart.js draws an array label as one line per item.
  function maxChars(canvas) {
    return canvas.parentNode.clientWidth < 420 ? 16 : 30;
  }

  function wrap(text, max) {
    var lines = [];
    var line = "";
    String(text).split(/\s+/).forEach(function (word) {
      if (line && (line + " " + word).length > max) {
        lines.push(line);
        line = word;
      } else {
        line = line ? line + " " + word : word;
      }
    });
    if (line) {
      lines.push(line);
    }
    return lines.length > 1 ? lines : lines[0] || "";
  }

  function labelAxis(canvas) {
    var max = maxChars(canvas);
    return {
      ticks: {
        autoSkip: false,
        callback: function (value) {
          return wrap(this.getLabelForValue(value), max);
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

  // Horizontal bars, one row per commune, group or step: the box grows with the rows and their wrapped lines
  // (CSSOM, allowed by the CSP).
  function fitRows(canvas, labels) {
    var max = maxChars(canvas);
    var lines = 1; // every row gets the height of the longest label (Chart.js gives rows equal heights)
    labels.forEach(function (label) {
      var wrapped = wrap(label, max);
      lines = Math.max(lines, Array.isArray(wrapped) ? wrapped.length : 1);
    });
    canvas.parentNode.style.height = Math.max(160, labels.length * Math.max(34, lines * 15 + 12) + 70) + "px";
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

  var canvases = Array.prototype.filter.call(document.querySelectorAll("canvas[data-chart]"), function (canvas) {
    var name = canvas.getAttribute("data-chart");
    return builders[name] && data[name];
  });
  var waiting = canvases.slice();
  var soon = []; // on screen or about to be: drawn first

  function draw(canvas) {
    var name = canvas.getAttribute("data-chart");
    if (canvas.parentNode.classList.contains("chart-rows")) {
      fitRows(canvas, data[name].labels);
    }
    new Chart(canvas, builders[name](data[name], canvas));
    canvas.setAttribute("data-drawn", "true");
  }

  var idle = window.requestIdleCallback
    ? function (fn) {
        window.requestIdleCallback(fn, { timeout: 1000 });
      }
    : function (fn) {
        window.setTimeout(fn, 30);
      };

  function next() {
    var canvas = soon.shift() || waiting[0];
    if (!canvas) {
      var box = document.querySelector("[data-charts]");
      if (box) {
        box.setAttribute("data-charts-done", "true");
      }
      return;
    }
    waiting.splice(waiting.indexOf(canvas), 1);
    draw(canvas);
    idle(next); // one chart per task: the page can answer a tap between two charts
  }

  function start() {
    Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    Chart.defaults.color = "#212529";
    Chart.defaults.animation = false;
    Chart.defaults.maintainAspectRatio = false;
    if ("IntersectionObserver" in window) {
      var observer = new IntersectionObserver(
        function (entries) {
          entries.forEach(function (entry) {
            if (entry.isIntersecting && waiting.indexOf(entry.target) >= 0 && soon.indexOf(entry.target) < 0) {
              soon.push(entry.target);
            }
            if (entry.isIntersecting) {
              observer.unobserve(entry.target);
            }
          });
        },
        { rootMargin: "200px 0px" }
      );
      canvases.forEach(function (canvas) {
        observer.observe(canvas);
      });
    }
    idle(next);
  }

  function load() {
    if (typeof window.Chart !== "undefined") {
      start();
      return;
    }
    var tag = document.createElement("script");
    tag.src = script.getAttribute("data-chartjs");
    tag.onload = start;
    document.head.appendChild(tag);
  }

  // After the first paint: a frame, then a task.
  window.requestAnimationFrame(function () {
    window.setTimeout(load, 0);
  });
})();
