// "Predict, then see": the guess becomes a slider kept in step with the number field (which
// alone is the form's value, and all a visitor without JavaScript gets).
(function () {
  "use strict";
  var slider = document.getElementById("guess-slider");
  var field = document.getElementById("guess");
  if (!slider || !field) { return; }
  slider.hidden = false;
  function fromField() {
    var value = parseFloat(String(field.value).replace(",", "."));
    if (isFinite(value)) { slider.value = String(value); }
  }
  var unit = slider.getAttribute("data-unit") || "";
  function describe() { slider.setAttribute("aria-valuetext", slider.value + (unit ? " " + unit : "")); }
  slider.addEventListener("input", function () { field.value = slider.value; describe(); });
  field.addEventListener("input", function () { fromField(); describe(); });
  fromField();
  describe();
})();
