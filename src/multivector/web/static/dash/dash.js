// multivector dashboard: draws the charts whose data the page carries as JSON (no inline script),
// adds the bundled land outlines under maps, and follows running jobs until they finish.
(function () {
  "use strict";

  var landCache = {};

  function landTrace(url) {
    if (!landCache[url]) {
      landCache[url] = fetch(url, { credentials: "same-origin" }).then(function (r) {
        if (!r.ok) { throw new Error("land outlines: HTTP " + r.status); }
        return r.json();
      }).then(function (doc) {
        var xs = [], ys = [];
        doc.countries.forEach(function (c) {
          c.rings.forEach(function (ring) {
            ring.forEach(function (p) { xs.push(p[0]); ys.push(p[1]); });
            xs.push(null); ys.push(null);
          });
        });
        return { type: "scatter", mode: "lines", x: xs, y: ys, fill: "toself", fillcolor: "#f4f1ea",
                 line: { color: "#c9c2b5", width: 0.6 }, hoverinfo: "skip", showlegend: false, name: "land" };
      });
    }
    return landCache[url];
  }

  function draw(script) {
    var el = document.getElementById(script.getAttribute("data-target"));
    if (!el || el.getAttribute("data-drawn")) { return; }
    var fig = JSON.parse(script.textContent);
    var land = fig.layout && fig.layout.meta && fig.layout.meta.land;
    var ready = land ? landTrace(land).then(function (t) { fig.data.unshift(t); }) : Promise.resolve();
    ready.then(function () {
      return window.Plotly.newPlot(el, fig.data, fig.layout, fig.config || { displaylogo: false, responsive: true });
    }).then(function () {
      el.setAttribute("data-drawn", "1");
    }).catch(function (err) {
      el.setAttribute("data-drawn", "error");
      el.textContent = "This chart could not be drawn (" + err.message + ").";
    });
  }

  function drawAll() {
    if (!window.Plotly) { return; }
    document.querySelectorAll("script.mv-fig").forEach(draw);
  }

  // Jobs: poll each job's status; reload the page when all are done (the server then shows the result)
  function follow(box) {
    var ids = (box.getAttribute("data-jobs") || "").split(",").filter(Boolean);
    var bar = document.getElementById("job-progress");
    var step = document.getElementById("job-step");
    var errorBox = document.getElementById("job-error");
    function poll() {
      Promise.all(ids.map(function (id) {
        return fetch("/api/v1/jobs/" + encodeURIComponent(id), { headers: { Accept: "application/json" } })
          .then(function (r) { return r.status === 404 ? { status: "gone" } : r.json(); });
      })).then(function (states) {
        var total = 0, finished = 0, failed = null;
        states.forEach(function (s, k) {
          total += s.status === "done" ? 1 : (s.progress || 0);
          if (s.status === "done" || s.status === "gone") { finished += 1; }
          if (s.status === "failed") { failed = s; }
          var part = document.querySelector('#job-parts li[data-job="' + ids[k] + '"] .part-step');
          if (part && s.step) { part.textContent = s.step + (s.progress ? " (" + Math.round(100 * s.progress) + " %)" : ""); }
        });
        if (bar) { bar.value = total / ids.length; }
        if (step && states.length === 1 && states[0].step) {
          step.textContent = states[0].step + (states[0].jobs_ahead ? " (" + states[0].jobs_ahead + " ahead)" : "");
        }
        if (failed) {
          if (errorBox) { errorBox.hidden = false; errorBox.textContent = (failed.error && failed.error.message) || "the computation failed"; }
          window.setTimeout(function () { window.location.reload(); }, 600);
          return;
        }
        if (finished === ids.length) { window.location.reload(); return; }
        window.setTimeout(poll, 400);
      }).catch(function () { window.setTimeout(poll, 1500); });
    }
    poll();
  }

  // Forms that start work: say so and prevent a double submission
  function busyForms() {
    document.querySelectorAll("form.runs").forEach(function (form) {
      form.addEventListener("submit", function () {
        var button = form.querySelector("button[type=submit]");
        if (button) { button.disabled = true; button.textContent = "Running…"; }
      });
    });
  }

  function start() {
    drawAll();
    busyForms();
    var box = document.querySelector(".mv-job");
    if (box) { follow(box); }
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
