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
  // The page shows each chart's title as a heading, so the spec's own title is dropped (it does
  // not wrap and would be cut at phone widths). On narrow screens, long legends wrap into
  // columns and crowded category labels tilt instead of overlapping.
  function fitToWidth(spec, width) {
    delete spec.title;
    if (width >= 560) {
      return spec;
    }
    spec.config = spec.config || {};
    spec.config.legend = Object.assign({ columns: width < 420 ? 3 : 4, symbolLimit: 0 }, spec.config.legend);
    var x = spec.encoding && spec.encoding.x;
    var values = spec.data && spec.data.values;
    if (x && (x.type === "nominal" || x.type === "ordinal") && Array.isArray(values)) {
      var categories = {};
      values.forEach(function (row) { categories[row[x.field]] = true; });
      var count = Object.keys(categories).length;
      if (count * 60 > width) {
        x.axis = Object.assign({}, x.axis, { labelAngle: -45, labelAlign: "right", labelLimit: 110 });
      }
    }
    return spec;
  }

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
    spec = fitToWidth(spec, element.clientWidth || window.innerWidth);
    element.classList.add("sim-chart-drawing");
    window.vegaEmbed(element, spec, options).then(function () {
      element.classList.remove("sim-chart-drawing");
      element.classList.add("sim-chart-drawn");
      var figure = element.closest("figure");
      var details = figure && figure.querySelector("details.sim-data");
      if (details) {
        details.open = false;
      }
    }).catch(function (error) {
      element.classList.remove("sim-chart-drawing");
      element.classList.add("sim-chart-failed");
      if (window.console) {
        console.error("Chart could not be drawn:", error);
      }
    });
  });
})();
