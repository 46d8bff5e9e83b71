/* base-rate's closed form in the browser: the 1,000 travellers as Bayes' rule expects them.
 *
 * The expected counts are the engine's (simulations/engine/base_rate.py): travellers × base
 * rate × sensitivity and so on, with group B's lower accuracy weighted in, computed with the
 * same operations in the same order, so they are the same floating-point numbers. The dots
 * are those counts scaled to 1,000 by the largest remainder, and the Vega-Lite spec is the one
 * simulations/extra_charts.py dots_spec builds (tests/e2e/test_bayes_instant.py compares
 * the counts with the engine's and the spec with the server's over a grid of parameters).
 * The words come from the page (a JSON block the server renders in the page's language).
 *
 * explore.js draws this chart at each move, before (and without) asking the server. */
(function () {
  "use strict";
  var DOTS = 1000;
  var COLUMNS = 40;  // 40 columns × 25 rows
  var LIAR = "#D55E00";
  var HONEST = "#0072B2";
  var SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";

  // The engine's expected counts; p holds the parameters as numbers (travellers, base_rate,
  // sensitivity, specificity, group_b_share, group_b_drop; percentages as on the form).
  function expected(p) {
    var n = p.travellers;
    var base = p.base_rate / 100;
    var sensA = p.sensitivity / 100;
    var specA = p.specificity / 100;
    var drop = p.group_b_drop / 100;
    var sensB = Math.max(sensA - drop, 0.0);
    var specB = Math.max(specA - drop, 0.0);
    var shareB = p.group_b_share / 100;
    var sensAll = (1 - shareB) * sensA + shareB * sensB;
    var specAll = (1 - shareB) * specA + shareB * specB;
    return {
      tp: n * base * sensAll,
      fn: n * base * (1 - sensAll),
      fp: n * (1 - base) * (1 - specAll),
      tn: n * (1 - base) * specAll
    };
  }

  // Python's extra_charts.whole_dots: scaled to total, largest remainders first (ties in order).
  function wholeDots(counts, total) {
    var n = 0;
    counts.forEach(function (c) { n += c; });
    if (!(n > 0)) {
      return counts.map(function () { return 0; });
    }
    var exact = counts.map(function (c) { return c * total / n; });
    var dots = exact.map(function (x) { return Math.floor(x); });
    var order = counts.map(function (c, i) { return i; }).sort(function (a, b) {
      var ra = exact[a] - dots[a];
      var rb = exact[b] - dots[b];
      return rb > ra ? 1 : (rb < ra ? -1 : 0);
    });
    var given = 0;
    dots.forEach(function (d) { given += d; });
    for (var k = 0; k < total - given; k += 1) {
      dots[order[k]] += 1;
    }
    return dots;
  }

  // Python's json.dumps (ASCII only: \uXXXX for the rest), so the expression text is the same.
  function pyJson(text) {
    return JSON.stringify(text).replace(/[\u0080-\uffff]/g, function (c) {
      return "\\u" + ("0000" + c.charCodeAt(0).toString(16)).slice(-4);
    });
  }

  function formatInt(value, thousands) {
    return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, thousands);
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (m, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : m;
    });
  }

  // extra_charts.dots_spec, key for key.
  function dotsSpec(title, names, dots) {
    var bounds = [];
    var total = 0;
    dots.forEach(function (d) {
      total += d;
      bounds.push(total);
    });
    var expression = "datum.i < " + bounds[0] + " ? " + pyJson(names[0]) + " : " +
      "datum.i < " + bounds[1] + " ? " + pyJson(names[1]) + " : " +
      "datum.i < " + bounds[2] + " ? " + pyJson(names[2]) + " : " + pyJson(names[3]);
    var scale = function (range) { return { domain: names.slice(), range: range }; };
    return {
      "$schema": SCHEMA,
      title: title,
      width: 400,
      height: 250,
      data: { sequence: { start: 0, stop: DOTS, as: "i" } },
      transform: [
        { calculate: "datum.i % " + COLUMNS, as: "column" },
        { calculate: "floor(datum.i / " + COLUMNS + ")", as: "row" },
        { calculate: expression, as: "group" }
      ],
      mark: { type: "point", filled: true, size: 52, strokeWidth: 1.5, opacity: 1, fillOpacity: 1 },
      encoding: {
        x: {
          field: "column",
          type: "quantitative",
          axis: null,
          scale: { domain: [-0.5, COLUMNS - 0.5], nice: false, zero: false }
        },
        y: {
          field: "row",
          type: "quantitative",
          axis: null,
          scale: { domain: [-0.5, DOTS / COLUMNS - 0.5], nice: false, zero: false, reverse: true }
        },
        fill: { field: "group", type: "nominal", title: null, scale: scale([LIAR, HONEST, "#ffffff", "#ffffff"]) },
        stroke: { field: "group", type: "nominal", title: null, scale: scale([LIAR, HONEST, LIAR, HONEST]) },
        shape: {
          field: "group",
          type: "nominal",
          title: null,
          scale: scale(["triangle-up", "circle", "triangle-up", "circle"])
        }
      },
      config: {
        view: { stroke: null },
        legend: {
          orient: "bottom",
          columns: 2,
          labelFontSize: 14,
          symbolSize: 140,
          symbolFillColor: "#ffffff",
          labelLimit: 175,
          symbolStrokeWidth: 1.6
        }
      }
    };
  }

  // The chart for these parameters: {title, description, spec, dots, counts}; null when a
  // value is missing or out of its range (the server's answer then says what is wrong).
  function chart(p, words) {
    var names = ["travellers", "base_rate", "sensitivity", "specificity", "group_b_share", "group_b_drop"];
    for (var i = 0; i < names.length; i += 1) {
      if (typeof p[names[i]] !== "number" || !isFinite(p[names[i]])) {
        return null;
      }
    }
    var e = expected(p);
    var counts = [e.tp, e.fp, e.fn, e.tn];
    var dots = wholeDots(counts, DOTS);
    var framing = p.framing === "trait" ? "trait" : "border";
    var labels = words.labels[framing];
    var legend = labels.map(function (label, index) {
      return fill(words.name, { group: label, dots: formatInt(dots[index], words.thousands) });
    });
    var title = words.titles[framing];
    var description = fill(words.descriptions[framing], {
      n: formatInt(p.travellers, words.thousands),
      flagged: formatInt(dots[0] + dots[1], words.thousands),
      tp: formatInt(dots[0], words.thousands)
    });
    return { title: title, description: description, spec: dotsSpec(title, legend, dots), dots: dots, counts: counts };
  }

  window.RealityCheckBayes = { expected: expected, wholeDots: wholeDots, dotsSpec: dotsSpec, chart: chart };
})();
