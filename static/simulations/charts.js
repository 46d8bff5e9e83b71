/* Draw each simulation chart from its JSON spec with vega-embed.
 * Progressive enhancement: the data table is on the page already; once a chart draws, its
 * table folds into a closed <details>. The CSP forbids eval, so expressions go through
 * vega-interpreter (ast + expr), and vega-embed's injected stylesheet is turned off
 * (defaultStyle: false; simulations.css styles the charts instead). */
(function () {
  "use strict";
  if (typeof window.vegaEmbed !== "function" || typeof window.vega === "undefined") {
    return;
  }
  var options = {
    ast: true,
    expr: window.vega.expressionInterpreter,
    actions: false,
    renderer: "svg",
    defaultStyle: false,
    tooltip: false
  };
  // Axis numbers in the page's language: a French page reads "3 %" and "20 000", "0,5".
  // Titles, legends and category names arrive already translated in the spec (the server
  // renders them); only the numbers vega formats itself need the locale (d3-format fr-FR).
  var FORMAT_LOCALES = {
    fr: {
      decimal: ",",
      thousands: "\u00a0",
      grouping: [3],
      currency: ["", "\u00a0€"],
      percent: "\u202f%"
    }
  };
  var TIME_FORMAT_LOCALES = {
    fr: {
      dateTime: "%A %e %B %Y à %X",
      date: "%d/%m/%Y",
      time: "%H:%M:%S",
      periods: ["AM", "PM"],
      days: ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"],
      shortDays: ["dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."],
      months: ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
        "septembre", "octobre", "novembre", "décembre"],
      shortMonths: ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.",
        "oct.", "nov.", "déc."]
    }
  };
  var pageLanguage = (document.documentElement.lang || "").toLowerCase().split("-")[0];
  if (FORMAT_LOCALES[pageLanguage]) {
    options.formatLocale = FORMAT_LOCALES[pageLanguage];
    options.timeFormatLocale = TIME_FORMAT_LOCALES[pageLanguage];
  }
  // The page shows each chart's title as a heading, so the spec's own title is dropped (it does
  // not wrap and would be cut at phone widths). On narrow screens, long legends wrap into
  // columns and crowded category labels tilt instead of overlapping.
  var CHAR_PX = 7;  // rough width of one character of an axis title (13 px, bold)
  var LABEL_CHAR_PX = 6;  // and of an axis label (12 px)

  function wrapTitle(title, maxChars) {
    if (typeof title !== "string" || title.length <= maxChars) {
      return title;
    }
    var lines = [];
    var line = "";
    title.split(" ").forEach(function (word) {
      if (line && (line + " " + word).length > maxChars) {
        lines.push(line);
        line = word;
      } else {
        line = line ? line + " " + word : word;
      }
    });
    if (line) {
      lines.push(line);
    }
    return lines;
  }

  // As many legend columns as the longest entry allows (at least 1, at most 4).
  function legendColumns(color, values, width) {
    if (!color || !color.field || !Array.isArray(values)) {
      return width < 420 ? 3 : 4;
    }
    var longest = values.reduce(function (n, row) {
      return Math.max(n, String(row[color.field]).length);
    }, 0);
    var columnPx = longest * LABEL_CHAR_PX + 30;
    return Math.max(1, Math.min(4, Math.floor((width - 20) / columnPx)));
  }

  function fitToWidth(spec, width) {
    delete spec.title;
    if (width >= 560) {
      return spec;
    }
    spec.config = spec.config || {};
    var encoding = spec.encoding || {};
    var values = spec.data && spec.data.values;
    var columns = legendColumns(encoding.color, values, width);
    spec.config.legend = Object.assign(
      // One column: entries may use the whole width instead of vega's 160 px.
      { columns: columns, symbolLimit: 0, labelLimit: columns === 1 ? width - 60 : 160 },
      spec.config.legend
    );
    var x = encoding.x;
    var y = encoding.y;
    var categoricalY = y && (y.type === "nominal" || y.type === "ordinal");
    var plotWidth = width - 60 - (categoricalY ? width * 0.35 : 0);
    if (x && x.title) {
      x.title = wrapTitle(x.title, Math.floor(plotWidth / (CHAR_PX + 1)));
    }
    if (y && y.title) {
      y.title = wrapTitle(y.title, Math.floor((spec.height || 260) / CHAR_PX));
    }
    if (x && (x.type === "nominal" || x.type === "ordinal") && Array.isArray(values)) {
      var categories = {};
      values.forEach(function (row) { categories[String(row[x.field])] = true; });
      var labels = Object.keys(categories);
      var longest = labels.reduce(function (n, label) { return Math.max(n, label.length); }, 0);
      if (labels.length * Math.min(longest * LABEL_CHAR_PX, 160) > width - 90) {
        if (labels.length <= 4) {
          // Few long labels: break each into lines that fit its band (labelExpr looks the
          // lines up in a literal map; the interpreter evaluates it without eval).
          var perLine = Math.max(8, Math.floor((width - 90) / labels.length / LABEL_CHAR_PX));
          var lines = {};
          labels.forEach(function (label) { lines[label] = wrapTitle(label, perLine); });
          x.axis = Object.assign({}, x.axis, {
            labelAngle: 0,
            labelLimit: 0,
            labelExpr: JSON.stringify(lines) + "[datum.label] || datum.label"
          });
        } else {
          x.axis = Object.assign({}, x.axis, { labelAngle: -40, labelAlign: "right", labelLimit: 150 });
        }
      }
    }
    if (categoricalY) {
      y.axis = Object.assign({}, y.axis, { labelLimit: Math.round(width * 0.35) });
    }
    return spec;
  }

  // Draws one spec into an element; resolves with vega-embed's result (its view to finalize).
  function draw(element, spec) {
    spec = fitToWidth(spec, element.clientWidth || window.innerWidth);
    element.classList.add("sim-chart-drawing");
    // vega-embed names its container "Vega visualization" (role graphics-document): the page's
    // own name and role (the chart's title and description) are put back once it has drawn.
    var label = element.getAttribute("aria-label");
    var role = element.getAttribute("role");
    return window.vegaEmbed(element, spec, options).then(function (result) {
      if (label) {
        element.setAttribute("aria-label", label);
      }
      if (role) {
        element.setAttribute("role", role);
      }
      element.classList.remove("sim-chart-drawing", "sim-chart-failed");
      element.classList.add("sim-chart-drawn");
      return result;
    }, function (error) {
      element.classList.remove("sim-chart-drawing");
      element.classList.add("sim-chart-failed");
      if (window.console) {
        console.error("Chart could not be drawn:", error);
      }
      throw error;
    });
  }
  // For the explorable pages (explore.js), which redraw a chart as its parameters move.
  window.RealityCheckCharts = { draw: draw };

  document.querySelectorAll(".sim-chart[data-spec]").forEach(function (element) {
    var source = document.getElementById(element.dataset.spec);
    if (!source) {
      return;
    }
    var spec;
    try {
      spec = JSON.parse(source.textContent);
    } catch (error) {
      return;
    }
    draw(element, spec).then(function () {
      var figure = element.closest("figure");
      var details = figure && figure.querySelector("details.sim-data");
      if (details) {
        details.open = false;
      }
    }).catch(function () {});
  });
})();
