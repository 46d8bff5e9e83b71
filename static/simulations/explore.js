/* Explorable simulations: the parameters of a run form become sliders (steppers for small whole
 * numbers) and the chart, the findings and the key metrics follow them in place.
 *
 * Progressive enhancement: without JavaScript the form posts and opens a stored run. With it,
 * each change asks the preview endpoint (form[data-explore], JSON, computed and never stored):
 * a change made when nothing is pending asks at once (a key press, a click, the first step of
 * a drag); changes that follow while an answer is awaited wait for a 250 ms pause, so a drag
 * asks for the value it settles on, not for every pixel, and never while the page's previous
 * preview is still being computed (it is drawn, then the latest values are asked for). The
 * answer is drawn with
 * charts.js (vega-embed). On the simulation page (data-explore-url="page") the address follows
 * the state (history.replaceState), so it stays a permalink; elsewhere a link
 * (a[data-explore-link]) does. "Keep this run" submits the form: the run is stored then.
 *
 * Where the result has a closed form (form[data-explore-instant]: base-rate's Bayes' rule,
 * static/simulations/bayes.js), its chart is drawn in the browser at once on every move,
 * above the server's charts, without waiting for anything; the panel then gets
 * data-instant="<n>" and dispatches "sim:instant" (detail: {ms, drawMs}).
 *
 * Look-ahead: every answer is kept in the page (the last MEMO_MAX states), and once a redraw
 * is done and nothing is pending, the page asks for the next positions of the slider (or
 * stepper) last moved — on arrival, the first one — one step further the way it moved (up
 * on arrival), then one step back — with the
 * header X-Lookahead: 1 (its own budget and slot on the server, computed at the lowest CPU
 * priority: simulations/preview.py). A move to a position asked ahead draws from the page's
 * memory, or waits for that answer instead of asking again; any other move abandons the
 * look-ahead. At most LOOKAHEAD_PER_MOVE per move; a refusal (204: the server will not
 * compute it now) stops it until the next move.
 *
 * After every redraw the panel gets data-rendered="<n>" and dispatches "sim:rendered"
 * (detail: {seq, ms: input → drawn, waitMs: input → request sent, fetchMs: request → answer,
 * computeMs: the server's engine time (0 from its cache), drawMs, ahead: drawn from an
 * answer asked ahead, memory: drawn from a state shown before, kept by the page}); the
 * browser benchmark and the tests wait for it. */
(function () {
  "use strict";
  var DEBOUNCE_MS = 250;
  var MEMO_MAX = 24;  // answers kept in the page (query string → preview)
  var LOOKAHEAD_PER_MOVE = 2;
  var STEPPER_MAX_VALUES = 12;  // whole numbers with at most this many values get − and +
  var gettext = typeof window.gettext === "function" ? window.gettext : function (s) { return s; };
  var interpolate = typeof window.interpolate === "function" ? window.interpolate
    : function (fmt, obj) { return fmt.replace(/%\((\w+)\)s/g, function (m, k) { return obj[k]; }); };

  function labelText(form, input) {
    var label = form.querySelector('label[for="' + input.id + '"]');
    return label ? label.textContent.trim() : input.name;
  }

  function decimals(step) {
    var text = String(step);
    return text.indexOf(".") < 0 ? 0 : text.length - text.indexOf(".") - 1;
  }

  function rangeStep(input) {
    var step = input.getAttribute("step");
    if (step && step !== "any") {
      return step;
    }
    var span = Number(input.max) - Number(input.min);
    return String(span / 100);
  }

  // A range input beside each bounded number field, both kept in step.
  function addSlider(form, input, onChange) {
    var range = document.createElement("input");
    range.type = "range";
    range.min = input.min;
    range.max = input.max;
    range.step = rangeStep(input);
    range.value = input.value;
    range.className = "sim-range";
    range.id = input.id + "-range";
    range.setAttribute("aria-label", labelText(form, input));
    if (input.getAttribute("aria-describedby")) {
      range.setAttribute("aria-describedby", input.getAttribute("aria-describedby"));
    }
    range.addEventListener("input", function (event) {
      var digits = decimals(range.step);
      var value = Number(range.value);
      input.value = digits ? String(Number(value.toFixed(digits))) : String(Math.round(value));
      onChange(event);
    });
    input.addEventListener("input", function (event) {
      if (input.value !== "" && !isNaN(Number(input.value))) {
        range.value = input.value;
      }
      onChange(event);
    });
    var row = document.createElement("div");
    row.className = "sim-range-row";
    input.parentNode.insertBefore(row, input);
    row.appendChild(range);
    row.appendChild(input);
    input.classList.add("sim-range-number");
    return range;
  }

  // − and + around a small whole number.
  function addStepper(form, input, onChange) {
    var step = Number(input.step) || 1;
    var name = labelText(form, input);
    var row = document.createElement("div");
    row.className = "sim-stepper";
    input.parentNode.insertBefore(row, input);
    function button(text, label, delta) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "secondary outline sim-step";
      b.textContent = text;
      b.setAttribute("aria-label", interpolate(label, { name: name }, true));
      b.addEventListener("click", function (event) {
        var value = Number(input.value);
        if (isNaN(value)) {
          value = Number(input.min);
        }
        value = Math.min(Number(input.max), Math.max(Number(input.min), value + delta));
        input.value = String(value);
        onChange(event);
      });
      return b;
    }
    row.appendChild(button("\u2212", gettext("Decrease %(name)s"), -step));
    row.appendChild(input);
    row.appendChild(button("+", gettext("Increase %(name)s"), step));
    input.addEventListener("input", onChange);
  }

  // A figure for a chart: its title above, the drawing (role img, named on each redraw).
  function newFigure(className) {
    var figure = document.createElement("figure");
    figure.className = className;
    var title = document.createElement("p");
    title.className = "sim-live-chart-title";
    var element = document.createElement("div");
    element.className = "sim-chart";
    element.setAttribute("role", "img");
    figure.appendChild(title);
    figure.appendChild(element);
    return figure;
  }

  function clear(element) {
    while (element.firstChild) {
      element.removeChild(element.firstChild);
    }
  }

  function setup(form) {
    var panel = form.querySelector("[data-explore-panel]");
    var charts = window.RealityCheckCharts;
    if (!panel || !charts || typeof window.fetch !== "function") {
      return;
    }
    var endpoint = form.dataset.explore;
    var status = panel.querySelector("[data-explore-status]");
    var chartsBox = panel.querySelector("[data-explore-charts]");
    var findingsBox = panel.querySelector("[data-explore-findings]");
    var metricsBox = panel.querySelector("[data-explore-metrics]");
    var maxCharts = Number(chartsBox.dataset.exploreMaxCharts) || Infinity;
    var maxFindings = Number(findingsBox.dataset.exploreMaxFindings) || Infinity;
    var link = form.querySelector("[data-explore-link]");
    var seedInput = form.querySelector('[name="seed"]');
    var randomSeed = form.querySelector('[name="random_seed"]');
    var timer = null;
    var controller = null;
    var seq = 0;
    var drawn = 0;
    var views = [];
    var lastSeed = null;
    var inputAt = 0;
    var memo = new Map();  // query string → preview, oldest first
    var aheadKeys = new Set();  // states in memo that were asked ahead and not drawn yet
    var ahead = null;  // the look-ahead on its way: {key, controller, promise}
    var aheadLeft = 0;  // look-aheads this move may still ask for
    var lastMoved = null;  // {field, direction}: the numeric field moved last
    var known = {};  // each numeric field's value at the last move

    function remember(key, data) {
      memo.delete(key);
      memo.set(key, data);
      if (memo.size > MEMO_MAX) {
        memo.delete(memo.keys().next().value);
      }
    }

    // One preview from the server: {ok, status, retryAfter, data}.
    function ask(key, lookahead, signal) {
      var headers = { Accept: "application/json" };
      if (lookahead) {
        headers["X-Lookahead"] = "1";
      }
      return fetch(endpoint + "?" + key, {
        signal: signal,
        headers: headers,
        credentials: "same-origin"
      }).then(function (response) {
        // 204: a look-ahead the server will not compute now (budget, busy): nothing to draw.
        var body = response.status === 204 ? Promise.resolve({}) : response.json();
        return body.then(function (data) {
          return {
            ok: response.ok && response.status !== 204,
            status: response.status,
            retryAfter: Number(response.headers.get("Retry-After")),
            data: data
          };
        });
      });
    }

    function params() {
      var query = new URLSearchParams();
      var fields = form.querySelectorAll("[data-explore-param]");
      fields.forEach(function (field) {
        if (field.type === "checkbox") {
          query.append(field.name, field.checked ? "on" : "false");
        } else if (field.type === "radio") {
          if (field.checked) {
            query.append(field.name, field.value);
          }
        } else {
          query.append(field.name, field.value);
        }
      });
      if (seedInput && seedInput.value.trim() !== "" && !(randomSeed && randomSeed.checked)) {
        query.append("seed", seedInput.value.trim());
      }
      return query;
    }

    function showErrors(errors) {
      form.querySelectorAll("[data-explore-param], [name=seed]").forEach(function (field) {
        if (errors && errors[field.name]) {
          field.setAttribute("aria-invalid", "true");
        } else if (field.dataset.exploreInvalid !== "server") {
          field.removeAttribute("aria-invalid");
        }
      });
      var messages = [];
      Object.keys(errors || {}).forEach(function (name) {
        var field = form.querySelector('[name="' + name + '"]');
        var label = field ? labelText(form, field) : "";
        errors[name].forEach(function (message) {
          messages.push(label ? label + gettext(": ") + message : message);
        });
      });
      return messages.join(" ");
    }

    function render(data, requestSeq, timing) {
      var started = performance.now();
      views.forEach(function (view) { view.finalize(); });
      views = [];
      var specs = data.charts.slice(0, maxCharts);
      var figures = chartsBox.querySelectorAll("figure");
      // One figure per chart, kept across redraws (only its drawing is replaced).
      specs.forEach(function (chart, index) {
        var figure = figures[index];
        if (!figure) {
          figure = newFigure("sim-figure");
          chartsBox.appendChild(figure);
        }
        figure.querySelector(".sim-live-chart-title").textContent = chart.title;
        figure.querySelector(".sim-chart").setAttribute(
          "aria-label", chart.description ? chart.title + gettext(": ") + chart.description : chart.title);
      });
      for (var extra = specs.length; extra < figures.length; extra += 1) {
        figures[extra].remove();
      }
      clear(findingsBox);
      var list = document.createElement("ul");
      data.findings.slice(0, maxFindings).forEach(function (finding) {
        var item = document.createElement("li");
        item.textContent = finding;
        list.appendChild(item);
      });
      findingsBox.appendChild(list);
      if (metricsBox) {
        clear(metricsBox);
        data.metrics.forEach(function (metric) {
          var box = document.createElement("div");
          box.className = "sim-metric";
          var dt = document.createElement("dt");
          dt.textContent = metric.label;
          var dd = document.createElement("dd");
          var strong = document.createElement("strong");
          strong.textContent = metric.value;
          dd.appendChild(strong);
          box.appendChild(dt);
          box.appendChild(dd);
          metricsBox.appendChild(box);
        });
      }
      var elements = chartsBox.querySelectorAll(".sim-chart");
      return Promise.all(specs.map(function (chart, index) {
        return charts.draw(elements[index], chart.spec).then(function (result) {
          views.push(result.view);
        });
      })).then(function () {
        if (requestSeq !== seq) {
          return;
        }
        drawn += 1;
        panel.dataset.rendered = String(drawn);
        panel.dispatchEvent(new CustomEvent("sim:rendered", {
          bubbles: true,
          detail: {
            seq: requestSeq,
            ms: performance.now() - timing.inputAt,
            waitMs: timing.sentAt - timing.inputAt,
            fetchMs: timing.answeredAt - timing.sentAt,
            computeMs: data.cached || timing.ahead ? 0 : (data.compute_ms || 0),
            drawMs: performance.now() - started,
            ahead: !!timing.ahead,
            memory: !!timing.memory
          }
        }));
      });
    }

    // The chart drawn in the browser from a closed form (bayes.js), if this form has one.
    var instantWords = null;
    var instantSource = form.dataset.exploreInstant && document.getElementById(form.dataset.exploreInstant);
    if (instantSource && window.RealityCheckBayes) {
      try {
        instantWords = JSON.parse(instantSource.textContent);
      } catch (error) {
        instantWords = null;
      }
    }
    var instantFigure = null;
    var instantView = null;
    var instantBusy = false;
    var instantAgain = false;
    var instantCount = 0;

    function instantParams() {
      var values = {};
      var valid = true;
      form.querySelectorAll("[data-explore-param]").forEach(function (field) {
        if (field.type === "radio") {
          if (field.checked) {
            values[field.name] = field.value;
          }
        } else if (field.type === "checkbox") {
          values[field.name] = field.checked;
        } else if (field.tagName === "SELECT") {
          values[field.name] = field.value;
        } else {
          values[field.name] = field.value.trim() === "" ? NaN : Number(field.value);
          if (field.checkValidity && !field.checkValidity()) {
            valid = false;  // out of bounds or not a whole number: the server says why
          }
        }
      });
      return valid ? values : null;
    }

    function drawInstant() {
      if (!instantWords) {
        return;
      }
      if (instantBusy) {
        instantAgain = true;  // drawn again with the latest values when this one is done
        return;
      }
      var at = inputAt;
      var values = instantParams();
      var made = values && window.RealityCheckBayes.chart(values, instantWords);
      if (!made) {
        return;
      }
      if (!instantFigure) {
        instantFigure = newFigure("sim-figure sim-instant");
        var caption = document.createElement("figcaption");
        caption.className = "sim-instant-description";
        instantFigure.appendChild(caption);
        chartsBox.parentNode.insertBefore(instantFigure, chartsBox);
      }
      instantFigure.querySelector(".sim-live-chart-title").textContent = made.title;
      instantFigure.querySelector(".sim-instant-description").textContent = made.description;
      var drawing = instantFigure.querySelector(".sim-chart");
      drawing.setAttribute("aria-label", made.title + gettext(": ") + made.description);
      instantBusy = true;
      var started = performance.now();
      if (instantView) {
        instantView.finalize();
        instantView = null;
      }
      charts.draw(drawing, made.spec).then(function (result) {
        instantView = result.view;
        instantCount += 1;
        panel.dataset.instant = String(instantCount);
        panel.dispatchEvent(new CustomEvent("sim:instant", {
          bubbles: true,
          detail: { ms: performance.now() - at, drawMs: performance.now() - started }
        }));
      }).catch(function () {}).then(function () {
        instantBusy = false;
        if (instantAgain) {
          instantAgain = false;
          drawInstant();
        }
      });
    }

    var retried = false;
    var inFlight = null;  // the preview being computed, if any
    var sendAfter = false;  // values changed while it was: ask for them when it answers
    var submitting = false;
    var moved = false;  // the visitor has changed a value

    function update(isRetry) {
      timer = null;
      var key = params().toString();
      if (memo.has(key)) {
        fromMemory(key);
        return;
      }
      if (inFlight && !isRetry) {
        // One preview at a time from a page: the server would still be computing the one we
        // dropped (and holding a run slot). Ask again, for the latest values, once it answers.
        sendAfter = true;
        return;
      }
      if (!isRetry) {
        retried = false;
      }
      if (controller) {
        controller.abort();
      }
      controller = new AbortController();
      seq += 1;
      var requestSeq = seq;
      var timing = { inputAt: inputAt, sentAt: performance.now(), answeredAt: 0, ahead: false };
      panel.setAttribute("aria-busy", "true");
      var source;
      if (ahead && ahead.key === key) {
        // Asked ahead already: wait for that answer (ask again only if it was refused).
        var adopted = ahead;
        ahead = null;
        timing.ahead = true;
        aheadKeys.delete(key);
        var signal = controller.signal;
        source = adopted.promise.then(function (answer) {
          if (answer && answer.ok) {
            return answer;
          }
          timing.ahead = false;  // refused: asked now, for the student
          return ask(key, false, signal);
        });
      } else {
        abandonAhead();
        source = ask(key, false, controller.signal);
      }
      var request = source.then(function (answer) {
        timing.answeredAt = performance.now();
        if (answer.ok) {
          remember(key, answer.data);
        }
        if (requestSeq !== seq) {
          return null;
        }
        var data = answer.data;
        if (!answer.ok) {
          var message = data.errors ? showErrors(data.errors) : "";
          status.textContent = message || data.detail || gettext("The result could not be updated.");
          panel.removeAttribute("aria-busy");
          // Every run slot taken: try once more when the server says, unless moved meanwhile.
          var retry = answer.retryAfter;
          if (answer.status === 503 && retry > 0 && !retried) {
            retried = true;
            setTimeout(function () {
              if (requestSeq === seq && timer === null) {
                update(true);
              }
            }, retry * 1000);
          }
          return null;
        }
        shown(data);
        return render(data, requestSeq, timing).then(function () {
          if (requestSeq === seq) {
            panel.removeAttribute("aria-busy");
          }
        });
      }).catch(function (error) {
        if (error && error.name === "AbortError") {
          return;
        }
        status.textContent = gettext("The result could not be updated.");
        panel.removeAttribute("aria-busy");
      });
      inFlight = request;
      request.then(function () {
        if (inFlight === request) {
          inFlight = null;
          if (sendAfter && !submitting) {
            sendAfter = false;
            update();
          } else {
            lookAhead();
          }
        }
      });
    }

    // What every answer drawn changes besides the charts: errors, seed, address, link.
    function shown(data) {
      showErrors(null);
      lastSeed = data.seed;
      status.textContent = "";
      var address = "?" + data.query;
      // The address changes once the visitor has changed something (not on arrival).
      if (form.dataset.exploreUrl === "page" && moved) {
        history.replaceState(history.state, "", window.location.pathname + address + window.location.hash);
      }
      if (link) {
        link.href = link.dataset.exploreLink + address;
      }
    }

    // A state this page has an answer for: drawn at once, nothing asked.
    function fromMemory(key) {
      // An answer still awaited is for another state: it is kept when it comes, not drawn.
      abandonAhead();
      seq += 1;
      var requestSeq = seq;
      var now = performance.now();
      var data = memo.get(key);
      remember(key, data);
      var wasAhead = aheadKeys.delete(key);
      var timing = {
        inputAt: inputAt, sentAt: now, answeredAt: now, ahead: wasAhead, memory: !wasAhead
      };
      shown(data);
      render(data, requestSeq, timing).then(function () {
        if (requestSeq === seq) {
          panel.removeAttribute("aria-busy");
          if (!inFlight) {
            lookAhead();
          }
        }
      });
    }

    function abandonAhead() {
      if (ahead) {
        ahead.controller.abort();
        ahead = null;
      }
    }

    // The numeric field behind the control an event came from (its slider, its − and +).
    function numericField(target) {
      if (!target || !target.closest) {
        return null;
      }
      if (target.classList.contains("sim-range")) {
        return document.getElementById(target.id.replace(/-range$/, ""));
      }
      var stepper = target.closest(".sim-stepper");
      if (stepper) {
        return stepper.querySelector("input");
      }
      return target.type === "number" ? target : null;
    }

    // `field`'s value one step `direction` away, written as its slider writes it; null past a bound.
    function neighbour(field, direction) {
      var slider = document.getElementById(field.id + "-range");
      var step = slider ? slider.step : (field.step || "1");
      var value = Number(field.value) + direction * Number(step);
      if (field.value.trim() === "" || isNaN(value)) {
        return null;
      }
      var digits = decimals(step);
      value = Number(value.toFixed(digits));
      if (value < Number(field.min) - 1e-9 || value > Number(field.max) + 1e-9) {
        return null;
      }
      return String(value);
    }

    // Ask for the next position of the field moved last, while the student reads the chart.
    function lookAhead() {
      if (ahead || inFlight || timer || submitting || !lastMoved || aheadLeft <= 0) {
        return;
      }
      var field = lastMoved.field;
      var first = lastMoved.direction || 1;
      var directions = [first, -first];
      for (var i = 0; i < directions.length; i += 1) {
        var value = neighbour(field, directions[i]);
        if (value === null) {
          continue;
        }
        var query = params();
        query.set(field.name, value);
        var key = query.toString();
        if (memo.has(key)) {
          continue;
        }
        aheadLeft -= 1;
        var entry = { key: key, controller: new AbortController() };
        entry.promise = ask(key, true, entry.controller.signal).then(function (answer) {
          if (answer.ok) {
            remember(entry.key, answer.data);
            aheadKeys.add(entry.key);
          } else {
            aheadLeft = 0;  // refused (budget, busy): not again before the next move
          }
          return answer;
        }, function () {
          return null;
        }).then(function (answer) {
          if (ahead === entry) {
            ahead = null;
            lookAhead();
          }
          return answer;
        });
        ahead = entry;
        return;
      }
    }

    function schedule(event) {
      if (submitting) {
        return;
      }
      moved = true;
      var field = numericField(event && event.target);
      if (field) {
        var before = Number(known[field.name]);
        var now = Number(field.value);
        lastMoved = {
          field: field,
          direction: isNaN(before) || isNaN(now) || now === before ? 0 : (now > before ? 1 : -1)
        };
        known[field.name] = field.value;
      } else {
        lastMoved = null;  // a choice or the seed: no next position to guess
      }
      aheadLeft = LOOKAHEAD_PER_MOVE;
      // event.timeStamp and performance.now() share one clock (the page's time origin).
      inputAt = event && event.timeStamp ? event.timeStamp : performance.now();
      if (timer) {
        clearTimeout(timer);
        timer = setTimeout(update, DEBOUNCE_MS);
      } else if (!inFlight) {
        update();  // nothing pending: ask at once
      } else {
        timer = setTimeout(update, DEBOUNCE_MS);
      }
      // The browser's own chart after the request is on its way: both proceed at once.
      drawInstant();
    }

    var firstNumeric = null;  // the first slider or stepper: the main parameter
    form.querySelectorAll(".sim-fields input, .sim-fields select").forEach(function (field) {
      if (field.type === "hidden") {
        return;
      }
      field.dataset.exploreParam = "1";
      if (field.type === "number") {
        known[field.name] = field.value;
      }
      if (field.getAttribute("aria-invalid") === "true") {
        field.dataset.exploreInvalid = "server";
      }
      if (field.type === "number" && field.min !== "" && field.max !== "") {
        var span = (Number(field.max) - Number(field.min)) / (Number(field.step) || 1);
        if (field.getAttribute("inputmode") === "numeric" && span < STEPPER_MAX_VALUES) {
          addStepper(form, field, schedule);
        } else {
          addSlider(form, field, schedule);
        }
        firstNumeric = firstNumeric || field;
      } else {
        field.addEventListener("change", schedule);
      }
    });
    form.querySelectorAll('.sim-fields input[type="hidden"]').forEach(function (field) {
      field.dataset.exploreParam = "1";
    });
    if (seedInput && seedInput.type !== "hidden") {
      seedInput.addEventListener("input", schedule);
      seedInput.addEventListener("change", schedule);
    }
    if (randomSeed) {
      randomSeed.addEventListener("change", schedule);
    }
    var seedButton = form.querySelector("button.sim-new-seed");
    if (seedButton) {
      seedButton.addEventListener("click", schedule);
    }
    // "Keep this run" stores exactly what is shown: the seed of the preview, not a random one.
    // A preview still computing holds one of the server's run slots: the run waits for it
    // (the form is sent when it answers) instead of finding the machine busy.
    form.addEventListener("submit", function (event) {
      submitting = true;
      abandonAhead();
      if (timer) {
        clearTimeout(timer);
        timer = null;
      }
      if (inFlight) {
        event.preventDefault();
        var submitter = event.submitter && event.submitter.form === form ? event.submitter : null;
        inFlight.then(function () {
          inFlight = null;
          if (submitter) {
            form.requestSubmit(submitter);
          } else {
            form.requestSubmit();
          }
        });
        return;
      }
      if (event.submitter && event.submitter.name === "keep" && lastSeed !== null) {
        if (randomSeed) {
          randomSeed.checked = false;
        }
        if (seedInput) {
          seedInput.value = String(lastSeed);
        }
      }
    });
    panel.hidden = false;
    var hint = form.querySelector("[data-explore-hint]");
    if (hint) {
      hint.hidden = false;
    }
    form.classList.add("sim-explorable");
    inputAt = performance.now();
    // On arrival the first move is most likely one step of the main parameter: asked ahead too
    // (the same for every visitor of the page, so the server's cache answers most of them).
    if (firstNumeric) {
      lastMoved = { field: firstNumeric, direction: 0 };
      aheadLeft = LOOKAHEAD_PER_MOVE;
    }
    update();
    drawInstant();
  }

  document.querySelectorAll("form[data-explore]").forEach(setup);
})();
