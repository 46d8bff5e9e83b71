// Feedback after each question, without reloading the page (progressive enhancement).
// Without this script, each "Check this answer" button posts the whole form and the server
// re-renders the page with that question's feedback: the result is the same.
const form = document.getElementById("quiz-form");
// Django's JavaScript catalogue (/fr/jsi18n/, loaded before this script) defines gettext().
const gettext = window.gettext || ((text) => text);

function csrfToken() {
  const input = form.querySelector("input[name=csrfmiddlewaretoken]");
  return input ? input.value : "";
}

function formField(name) {
  return form.querySelector(`input[type=hidden][name=${name}]`);
}

function fieldsetData(fieldset, questionId) {
  const data = new FormData();
  data.append("question", questionId);
  // The attempt starts at the first check: until then "attempt" is empty and "seed" carries
  // the question order this page shows.
  data.append("attempt", formField("attempt").value);
  data.append("seed", formField("seed").value);
  for (const input of fieldset.querySelectorAll("input[name]")) {
    if ((input.type === "radio" || input.type === "checkbox") && !input.checked) continue;
    data.append(input.name, input.value);
  }
  return data;
}

function showError(slot, text) {
  const p = document.createElement("p");
  p.className = "field-error";
  p.setAttribute("role", "alert");
  p.textContent = text;
  slot.replaceChildren(p);
}

async function check(button) {
  const fieldset = button.closest("fieldset");
  const slot = fieldset.querySelector(".feedback-slot");
  const questionId = button.value;
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  let response;
  try {
    response = await fetch(form.dataset.checkUrl, {
      method: "POST",
      body: fieldsetData(fieldset, questionId),
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
      credentials: "same-origin",
    });
  } catch {
    response = null;
  }
  button.removeAttribute("aria-busy");
  if (response && response.ok) {
    const result = await response.json();
    formField("attempt").value = result.attempt;
    // The server renders this HTML from sanitised Markdown and escaped text.
    slot.innerHTML = result.html;
    for (const input of fieldset.querySelectorAll("input")) input.disabled = true;
    button.remove();
    // paged.js marks the question final in its navigation panel and stops saving its draft.
    fieldset.dispatchEvent(new CustomEvent("quiz:checked", { bubbles: true }));
    slot.focus();
    return;
  }
  button.disabled = false;
  if (response && response.status === 400) {
    const result = await response.json().catch(() => ({}));
    showError(slot, result.error || gettext("This answer could not be checked."));
    return;
  }
  // Anything else (session expired, network): fall back to the plain form post.
  const hidden = document.createElement("input");
  hidden.type = "hidden";
  hidden.name = "check";
  hidden.value = questionId;
  form.append(hidden);
  form.submit();
}

if (form && form.dataset.checkUrl) {
  form.addEventListener("submit", (event) => {
    const button = event.submitter;
    if (button && button.name === "check") {
      event.preventDefault();
      check(button);
    }
  });
}
