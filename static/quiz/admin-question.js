/* Reality Check admin: the question editor.
 *
 * - Shows only the fields the chosen question type needs: "All or nothing" for multiple choice,
 *   value/tolerance/unit for numeric, the choices for every type but numeric. Without JavaScript
 *   every field shows, with a note saying which ones each type uses.
 * - The preset menu lists only the chosen simulation's presets; choosing a preset first picks
 *   its simulation.
 * - A live preview of the question as a student sees it: the form is posted (nothing is saved)
 *   to the staff-only preview view, which renders it on the server; refreshed while typing.
 * No inline script (CSP): loaded by the question admin's Media.
 */
(function () {
  "use strict";

  var gettext = window.gettext || function (text) { return text; };

  function each(list, fn) { Array.prototype.forEach.call(list, fn); }

  function typeSelect() { return document.querySelector("select[data-question-type]"); }

  function applyType() {
    var select = typeSelect();
    if (!select) { return; }
    var type = select.value;
    each(document.querySelectorAll("fieldset.question-type-only"), function (fieldset) {
      fieldset.hidden = !fieldset.classList.contains("for-" + type);
    });
    var choices = document.getElementById("choices-group");
    if (choices) { choices.hidden = type === "numeric"; }
  }

  function filterPresets() {
    var simulation = document.querySelector("select[data-simulation-menu]");
    var preset = document.querySelector("select[data-preset-menu]");
    if (!simulation || !preset) { return; }
    var chosen = simulation.value;
    each(preset.options, function (option) {
      var owner = option.getAttribute("data-simulation");
      var show = !owner || !chosen || owner === chosen;
      option.hidden = !show;
      option.disabled = !show;
    });
    each(preset.querySelectorAll("optgroup"), function (group) {
      group.hidden = !Array.prototype.some.call(group.children, function (o) { return !o.hidden; });
    });
    var selected = preset.options[preset.selectedIndex];
    if (selected && selected.disabled) { preset.value = ""; }
  }

  function presetChosen() {
    var simulation = document.querySelector("select[data-simulation-menu]");
    var preset = document.querySelector("select[data-preset-menu]");
    var option = preset && preset.options[preset.selectedIndex];
    var owner = option && option.getAttribute("data-simulation");
    if (simulation && owner && !simulation.value) {
      simulation.value = owner;
      filterPresets();
    }
  }

  function setUpPreview() {
    var section = document.getElementById("question-preview");
    var form = section && section.closest("form");
    if (!section || !form) { return; }
    var tools = section.querySelector(".question-preview-tools");
    var button = section.querySelector(".question-preview-button");
    var status = section.querySelector(".question-preview-status");
    var panel = section.querySelector(".question-preview-panel");
    var nojs = section.querySelector(".question-preview-nojs");
    tools.hidden = false;
    if (nojs) { nojs.hidden = true; }
    var timer = null;
    var sent = 0;

    function refresh() {
      var number = ++sent;
      var data = new FormData(form);
      status.textContent = gettext("Updating the preview…");
      fetch(section.getAttribute("data-preview-url"), {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" }
      }).then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.text();
      }).then(function (html) {
        if (number !== sent) { return; }  // a newer preview is on its way
        panel.innerHTML = html;  // rendered and sanitised by the server
        status.textContent = gettext("Preview updated.");
      }).catch(function () {
        if (number !== sent) { return; }
        status.textContent = gettext("The preview could not be shown. Your question is not affected.");
      });
    }

    button.addEventListener("click", refresh);
    form.addEventListener("input", function (event) {
      if (section.contains(event.target)) { return; }
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, 700);
    });
    form.addEventListener("change", function (event) {
      if (section.contains(event.target)) { return; }
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, 300);
    });
    refresh();
  }

  function start() {
    var select = typeSelect();
    if (select) {
      var note = document.querySelector("fieldset.question-main .description");
      if (note) { note.hidden = true; }
      select.addEventListener("change", applyType);
      applyType();
    }
    var simulation = document.querySelector("select[data-simulation-menu]");
    var preset = document.querySelector("select[data-preset-menu]");
    if (simulation && preset) {
      simulation.addEventListener("change", filterPresets);
      preset.addEventListener("change", presetChosen);
      filterPresets();
    }
    setUpPreview();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
