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
