/* Reality Check admin: a key fact can cite a source added in the same form.
 *
 * Each key fact's Source menu lists the case's saved sources. When the teacher adds a source row
 * ("Add another Source"), this script adds "New source (below): <title>" to every key fact's menu,
 * with the value "new-<row number>" the server resolves once the sources are saved (kb/forms.py,
 * KeyFactInlineForm). The label follows the title as it is typed; removing the row removes the
 * option. Without JavaScript the admin cannot add rows, and after a save with errors the server
 * lists the new rows itself. No inline script (CSP): this file is loaded by the case admin's Media.
 */
(function () {
  "use strict";

  var gettext = window.gettext || function (text) { return text; };
  var interpolate = window.interpolate || function (fmt, obj) {
    return fmt.replace(/%\(\w+\)s/g, function (m) { return String(obj[m.slice(2, -2)]); });
  };
  var NEW = "new-";
  // select → the source row it cites (rows are renumbered when one above is removed).
  var chosen = new WeakMap();

  function sourceRows() {
    var group = document.getElementById("sources-group");
    if (!group) { return []; }
    return Array.prototype.filter.call(
      group.querySelectorAll(".inline-related"),
      function (row) {
        if (row.classList.contains("empty-form") || !/^sources-\d+$/.test(row.id)) { return false; }
        var id = row.querySelector("input[name$='-id']");
        return !(id && id.value);  // saved sources are already in the menu
      }
    );
  }

  function label(row) {
    var index = row.id.split("-")[1];
    var title = row.querySelector("input[name$='-title']");
    var text = title ? title.value.trim() : "";
    if (text) {
      return interpolate(gettext("New source (below): %(title)s"), { title: text.slice(0, 80) }, true);
    }
    return interpolate(
      gettext("New source, row %(n)s (no title yet)"), { n: Number(index) + 1 }, true
    );
  }

  function menus() {
    return Array.prototype.filter.call(
      document.querySelectorAll("select[data-keyfact-source]"),
      function (select) { return select.name.indexOf("__prefix__") === -1; }
    );
  }

  function refresh() {
    var rows = sourceRows();
    menus().forEach(function (select) {
      var selected = select.value.indexOf(NEW) === 0 ? chosen.get(select) : null;
      Array.prototype.slice.call(select.options).forEach(function (option) {
        if (option.value.indexOf(NEW) === 0) { option.remove(); }
      });
      rows.forEach(function (row) {
        var option = new Option(label(row), NEW + row.id.split("-")[1]);
        select.add(option);
        if (row === selected) { option.selected = true; }
      });
      if (selected && rows.indexOf(selected) === -1) { select.value = ""; }
    });
  }

  function remember(select) {
    var value = select.value;
    if (value.indexOf(NEW) !== 0) { chosen.delete(select); return; }
    var row = document.getElementById("sources-" + value.slice(NEW.length));
    if (row) { chosen.set(select, row); }
  }

  function start() {
    menus().forEach(remember);  // after a save with errors, the server already chose a new row
    refresh();
    document.addEventListener("change", function (event) {
      if (event.target.matches && event.target.matches("select[data-keyfact-source]")) {
        remember(event.target);
      }
    });
    document.addEventListener("input", function (event) {
      var target = event.target;
      if (target.matches && target.matches("#sources-group input[name$='-title']")) { refresh(); }
    });
    document.addEventListener("formset:added", function () { refresh(); });
    // Django renumbers the rows after announcing a removal: refresh once it has.
    document.addEventListener("formset:removed", function () { window.setTimeout(refresh, 0); });
    // And once more as the form is sent, so every value names its row's current number.
    document.addEventListener("submit", function () { refresh(); }, true);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
