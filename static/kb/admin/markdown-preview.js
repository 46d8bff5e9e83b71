/* Reality Check admin: a "Preview" button under each Markdown textarea.
 * POSTs the text to the staff-only preview view, which returns the sanitised HTML the page will
 * show. No inline script (the Content-Security-Policy forbids it); the URL comes from the
 * textarea's data-markdown-preview attribute. */
(function () {
  "use strict";

  // The admin's pages load Django's JavaScript catalogue (admin:jsi18n) before this file.
  var gettext = window.gettext || function (text) { return text; };
  var interpolate = window.interpolate || function (fmt, obj) {
    return fmt.replace(/%\(\w+\)s/g, function (m) { return String(obj[m.slice(2, -2)]); });
  };

  function csrfToken(textarea) {
    var form = textarea.form || document;
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function setUp(textarea) {
    if (textarea.dataset.previewReady) { return; }
    textarea.dataset.previewReady = "1";
    var bar = document.createElement("div");
    bar.className = "markdown-preview-bar";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button markdown-preview-button";
    button.textContent = gettext("Preview");
    button.setAttribute("aria-controls", textarea.id + "-preview");
    var status = document.createElement("span");
    status.className = "markdown-preview-status";
    status.setAttribute("role", "status");
    var panel = document.createElement("div");
    panel.className = "markdown-preview";
    panel.id = textarea.id + "-preview";
    panel.hidden = true;
    panel.setAttribute("aria-label", gettext("Preview"));
    bar.appendChild(button);
    bar.appendChild(status);
    textarea.insertAdjacentElement("afterend", bar);
    bar.insertAdjacentElement("afterend", panel);

    button.addEventListener("click", function () {
      if (!panel.hidden) {
        panel.hidden = true;
        button.textContent = gettext("Preview");
        return;
      }
      status.textContent = gettext("Rendering…");
      var body = new FormData();
      body.append("text", textarea.value);
      fetch(textarea.dataset.markdownPreview, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(textarea) }
      })
        .then(function (response) {
          if (!response.ok) { throw new Error("HTTP " + response.status); }
          return response.json();
        })
        .then(function (data) {
          // data.html was sanitised by the server (nh3), exactly as the public page will be.
          panel.innerHTML = data.html || "<p><em>" + gettext("(empty)") + "</em></p>";
          panel.hidden = false;
          button.textContent = gettext("Hide preview");
          status.textContent = "";
        })
        .catch(function (error) {
          status.textContent = interpolate(
            gettext("Preview failed (%(error)s). Your text is unchanged."),
            { error: error.message },
            true
          );
        });
    });
  }

  function init() {
    document.querySelectorAll("textarea[data-markdown-preview]").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
