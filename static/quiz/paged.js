// One question at a time, a navigation panel, flags, and answers saved as they are given.
// Progressive enhancement: without this script the quiz is one form on one page, posted whole.
// - View: "One question at a time" (phones by default) or "All questions", remembered for the
//   browser session (sessionStorage).
// - Saving: every change is sent to the draft endpoint (quiz/drafts.py) and kept in
//   localStorage until the server has it, so a reload or a lost connection loses nothing.
//   Drafts never count: the submission posts the whole form, which the server grades.
const form = document.getElementById("quiz-form");
const pager = document.getElementById("quiz-pager");
// Django's JavaScript catalogue (loaded before this module) defines gettext() and interpolate().
const gettext = window.gettext || ((text) => text);
const interpolate =
  window.interpolate ||
  ((fmt, obj) => fmt.replace(/%\((\w+)\)s/g, (_, key) => String(obj[key])));

const SAVE_DELAY_MS = 400; // after a click; typing waits for a pause
const TYPE_DELAY_MS = 900;
const RETRY_MS = 15000;

function storageGet(storage, key) {
  try {
    return storage.getItem(key);
  } catch {
    return null; // storage disabled (private mode, policy): the page still works
  }
}

function storageSet(storage, key, value) {
  try {
    storage.setItem(key, value);
  } catch {
    /* full or disabled: nothing more we can keep on this device */
  }
}

function storageRemove(storage, key) {
  try {
    storage.removeItem(key);
  } catch {
    /* disabled */
  }
}

function init() {
  const questions = [...form.querySelectorAll("fieldset.question")];
  if (!questions.length) return;
  const review = document.getElementById("quiz-review");
  const submit = form.querySelector(".submit-quiz");
  const jumps = [...pager.querySelectorAll(".pager-jump")];
  const status = pager.querySelector(".save-status");
  const progressText = pager.querySelector(".pager-progress-text");
  const progress = pager.querySelector(".pager-progress");
  const pagedButton = pager.querySelector(".view-paged");
  const allButton = pager.querySelector(".view-all");
  const storeKey = `rc-quiz:${form.dataset.quiz}`;
  const modeKey = "rc-quiz-view";
  const total = questions.length;
  const REVIEW = total; // the review screen comes after the last question
  let current = 0;
  let mode = "all";

  const hidden = (name) => form.querySelector(`input[type=hidden][name=${name}]`);
  const nameOf = (fieldset) => fieldset.dataset.name;
  const byName = new Map(questions.map((fs) => [nameOf(fs), fs]));
  const isChecked = (fs) => fs.dataset.checked === "true"; // feedback given: final

  function valueOf(fs) {
    const text = fs.querySelector("input[type=text]");
    if (text) return text.value;
    return [...fs.querySelectorAll("input[type=radio], input[type=checkbox]")]
      .filter((input) => input.checked)
      .map((input) => input.value);
  }

  function setValue(fs, value) {
    const text = fs.querySelector("input[type=text]");
    if (text) {
      if (typeof value === "string") text.value = value;
      return;
    }
    if (!Array.isArray(value)) return;
    for (const input of fs.querySelectorAll("input[type=radio], input[type=checkbox]")) {
      input.checked = value.includes(input.value);
    }
  }

  const isEmpty = (value) => (Array.isArray(value) ? value.length === 0 : !value.trim());
  const isAnswered = (fs) => isChecked(fs) || !isEmpty(valueOf(fs));
  const isFlagged = (fs) => fs.classList.contains("is-flagged");

  // --- The copy kept on this device ---------------------------------------------------------
  function freshLocal() {
    return { attempt: "", answers: {}, flags: {}, pending: [], pendingFlags: [], rejected: [] };
  }
  let local = freshLocal();
  try {
    local = { ...freshLocal(), ...JSON.parse(storageGet(localStorage, storeKey) || "{}") };
  } catch {
    local = freshLocal();
  }
  function saveLocal() {
    storageSet(localStorage, storeKey, JSON.stringify(local));
  }
  function addTo(list, name) {
    if (!local[list].includes(name)) local[list].push(name);
  }
  function removeFrom(list, name) {
    local[list] = local[list].filter((n) => n !== name);
  }

  // --- State: progress, panel, review ---------------------------------------------------------
  function setFlag(fs, on) {
    fs.classList.toggle("is-flagged", on);
    const button = fs.querySelector(".flag-button");
    button.setAttribute("aria-pressed", on ? "true" : "false");
    button.textContent = on ? gettext("Flagged for review") : gettext("Flag for review");
  }

  function questionButton(fs) {
    const li = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "link-jump secondary outline";
    const number = questions.indexOf(fs) + 1;
    button.textContent = interpolate(gettext("Question %(number)s"), { number }, true);
    button.addEventListener("click", () => show(number - 1, { focus: true }));
    li.append(button);
    return li;
  }

  function update() {
    const answered = questions.filter(isAnswered).length;
    const unanswered = questions.filter((fs) => !isAnswered(fs));
    const flagged = questions.filter(isFlagged);
    progress.max = total;
    progress.value = answered;
    if (mode === "paged" && current < total) {
      progressText.textContent = interpolate(
        gettext("Question %(current)s of %(total)s · %(answered)s answered"),
        { current: current + 1, total, answered },
        true,
      );
    } else {
      progressText.textContent = interpolate(
        gettext("%(answered)s of %(total)s answered"),
        { total, answered },
        true,
      );
    }
    questions.forEach((fs, i) => {
      const button = jumps[i];
      const states = [isAnswered(fs) ? gettext("answered") : gettext("not answered")];
      if (isFlagged(fs)) states.push(gettext("flagged for review"));
      button.classList.toggle("is-answered", isAnswered(fs));
      button.classList.toggle("is-flagged", isFlagged(fs));
      button.setAttribute(
        "aria-label",
        interpolate(
          gettext("Question %(number)s, %(state)s"),
          { number: i + 1, state: states.join(", ") },
          true,
        ),
      );
    });
    jumps.forEach((button, i) => {
      if (mode === "paged" && i === current) button.setAttribute("aria-current", "step");
      else button.removeAttribute("aria-current");
    });
    review.querySelector(".review-summary").textContent = interpolate(
      gettext("You have answered %(answered)s of %(total)s questions."),
      { answered, total },
      true,
    );
    for (const [selector, list] of [
      [".review-unanswered", unanswered],
      [".review-flagged", flagged],
    ]) {
      const box = review.querySelector(selector);
      box.hidden = list.length === 0;
      box.querySelector(".review-list").replaceChildren(...list.map(questionButton));
    }
    // On the review screen the unanswered questions are listed right above the button: no
    // second warning page. All questions on one page keep the server's warning, as before.
    if (mode === "paged" && unanswered.length) {
      submit.name = "submit_anyway";
      submit.value = "1";
    } else {
      submit.removeAttribute("name");
      submit.removeAttribute("value");
    }
  }

  // --- Showing one question, or all ---------------------------------------------------------
  function show(index, { focus = false } = {}) {
    current = Math.max(0, Math.min(REVIEW, index));
    const target = current === REVIEW ? review : questions[current];
    if (mode === "paged") {
      questions.forEach((fs, i) => fs.classList.toggle("is-current", i === current));
      form.classList.toggle("on-review", current === REVIEW);
    }
    local.pos = current;
    saveLocal();
    update();
    if (focus) {
      target.focus({ preventScroll: true });
      (mode === "paged" ? pager : target).scrollIntoView({ block: "start" });
    }
  }

  function setMode(next, { remember = false } = {}) {
    mode = next;
    form.classList.toggle("is-paged", mode === "paged");
    form.classList.toggle("on-review", mode === "paged" && current === REVIEW);
    if (mode !== "paged") questions.forEach((fs) => fs.classList.remove("is-current"));
    pagedButton.setAttribute("aria-pressed", mode === "paged" ? "true" : "false");
    allButton.setAttribute("aria-pressed", mode === "all" ? "true" : "false");
    if (remember) storageSet(sessionStorage, modeKey, mode);
    show(current);
  }

  // --- Saving --------------------------------------------------------------------------------
  let timer = null;
  let inFlight = false;
  let stopped = false; // the server refused for good (attempt submitted, session changed)

  function say(text, kind) {
    status.textContent = text;
    status.dataset.kind = kind;
  }

  function schedule(delay) {
    clearTimeout(timer);
    timer = setTimeout(flush, delay);
  }

  function showFieldError(fs, text) {
    let p = fs.querySelector(".draft-error");
    if (!text) {
      if (p) p.remove();
      return;
    }
    if (!p) {
      p = document.createElement("p");
      p.className = "field-error draft-error";
      fs.querySelector(".pager-controls").before(p);
    }
    p.textContent = text;
  }

  function offline() {
    say(gettext("Not saved — offline, kept on this device"), "offline");
  }

  async function flush() {
    clearTimeout(timer);
    if (inFlight || stopped) return;
    // A question checked meanwhile (feedback after each question) is final: nothing to send.
    for (const name of [...local.pending]) {
      const fs = byName.get(name);
      if (!fs || isChecked(fs)) removeFrom("pending", name);
    }
    local.pendingFlags = local.pendingFlags.filter((name) => byName.has(name));
    // An answer being checked right now is not sent: once checked it is final, and a draft
    // arriving after the check is not saved (the reply lists it as "final"). It stays pending
    // until the check's outcome ("quiz:checked" drops it; a failed check leaves it to the
    // next save).
    const checking = (name) => !!byName.get(name).querySelector("button[name=check][aria-busy=true]");
    const names = local.pending.filter((name) => !checking(name));
    if (names.length < local.pending.length) schedule(RETRY_MS);
    const flagNames = [...local.pendingFlags];
    if (!names.length && !flagNames.length) return;
    if (!navigator.onLine) {
      offline();
      return;
    }
    const sent = Object.fromEntries(names.map((name) => [name, local.answers[name]]));
    const sentFlags = Object.fromEntries(flagNames.map((name) => [name, !!local.flags[name]]));
    const csrf = form.querySelector("input[name=csrfmiddlewaretoken]");
    inFlight = true;
    say(gettext("Saving…"), "saving");
    let response = null;
    try {
      response = await fetch(form.dataset.draftUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          Accept: "application/json",
          "X-CSRFToken": csrf ? csrf.value : "",
        },
        body: JSON.stringify({
          attempt: hidden("attempt").value,
          seed: Number(hidden("seed").value),
          answers: sent,
          flagged: sentFlags,
        }),
      });
    } catch {
      response = null;
    }
    inFlight = false;
    if (!response) {
      offline();
      schedule(RETRY_MS);
      return;
    }
    const data = await response.json().catch(() => ({}));
    if (response.ok) {
      if (data.attempt) {
        hidden("attempt").value = data.attempt;
        local.attempt = data.attempt;
      }
      for (const name of names) {
        // Only what did not change while the request was out is done.
        if (JSON.stringify(local.answers[name]) === JSON.stringify(sent[name])) {
          removeFrom("pending", name);
        }
        removeFrom("rejected", name);
        showFieldError(byName.get(name), "");
      }
      for (const name of flagNames) {
        if (!!local.flags[name] === sentFlags[name]) removeFrom("pendingFlags", name);
      }
      saveLocal();
      if (local.pending.length || local.pendingFlags.length) {
        schedule(SAVE_DELAY_MS);
      } else {
        say(gettext("Saved"), "saved");
      }
      return;
    }
    if (response.status === 400 && data.errors) {
      for (const [name, messages] of Object.entries(data.errors)) {
        const fs = byName.get(name);
        removeFrom("pending", name);
        removeFrom("pendingFlags", name);
        if (fs) {
          addTo("rejected", name);
          showFieldError(fs, messages.join(" "));
        }
      }
      saveLocal();
      say(
        interpolate(gettext("Not saved: %(error)s"), { error: data.error || "" }, true),
        "error",
      );
      if (local.pending.length || local.pendingFlags.length) schedule(SAVE_DELAY_MS);
      return;
    }
    if (response.status === 429 || response.status >= 500) {
      const wait = Number(response.headers.get("Retry-After")) || 5;
      say(gettext("Not saved yet — kept on this device, trying again shortly"), "offline");
      schedule(wait * 1000);
      return;
    }
    // 403 (no attempts left), 404 (the session changed), 409 (submitted elsewhere): stop; the
    // answers stay on this page and on this device, and the plain form still submits them.
    stopped = true;
    say(
      interpolate(
        gettext("Not saved: %(error)s"),
        { error: data.error || gettext("the server refused it.") },
        true,
      ),
      "error",
    );
  }

  function changed(fs, delay) {
    if (isChecked(fs)) return;
    const name = nameOf(fs);
    local.answers[name] = valueOf(fs);
    addTo("pending", name);
    removeFrom("rejected", name);
    saveLocal();
    update();
    schedule(delay);
  }

  // --- Restore what this device kept ---------------------------------------------------------
  const pageAttempt = hidden("attempt").value;
  if (
    (local.attempt && pageAttempt && local.attempt !== pageAttempt) ||
    (local.submitted && (!pageAttempt || local.attempt !== pageAttempt))
  ) {
    // Another attempt, or the form was submitted (this page then shows what the server has):
    // nothing kept here applies.
    local = freshLocal();
  }
  delete local.submitted;
  if (pageAttempt) local.attempt = pageAttempt;
  for (const name of [...local.pending, ...local.rejected]) {
    const fs = byName.get(name);
    if (fs && !isChecked(fs) && name in local.answers) setValue(fs, local.answers[name]);
  }
  for (const fs of questions) {
    const name = nameOf(fs);
    const flag = local.pendingFlags.includes(name)
      ? !!local.flags[name]
      : fs.dataset.flagged === "true";
    local.flags[name] = flag;
    setFlag(fs, flag);
    fs.tabIndex = -1;
    fs.querySelector(".pager-controls").hidden = false;
  }
  saveLocal();

  // --- Wiring ----------------------------------------------------------------------------------
  pager.hidden = false;
  review.hidden = false;

  form.addEventListener("change", (event) => {
    const fs = event.target.closest("fieldset.question");
    if (fs && event.target.matches("input[type=radio], input[type=checkbox]")) {
      changed(fs, SAVE_DELAY_MS);
    }
  });
  form.addEventListener("input", (event) => {
    const fs = event.target.closest("fieldset.question");
    if (fs && event.target.matches("input[type=text]")) changed(fs, TYPE_DELAY_MS);
  });
  form.addEventListener("quiz:checked", (event) => {
    const fs = event.target.closest("fieldset.question");
    if (fs) {
      fs.dataset.checked = "true";
      removeFrom("pending", nameOf(fs));
      saveLocal();
      update();
    }
  });
  form.addEventListener("submit", (event) => {
    if (event.submitter && event.submitter.name === "check") return;
    local.submitted = true; // the next page tells whether it went through
    saveLocal();
    stopped = true; // the form carries every answer; a draft now would only be refused
    clearTimeout(timer);
  });
  for (const fs of questions) {
    fs.querySelector(".flag-button").addEventListener("click", () => {
      const name = nameOf(fs);
      const on = !isFlagged(fs);
      setFlag(fs, on);
      local.flags[name] = on;
      addTo("pendingFlags", name);
      saveLocal();
      update();
      schedule(SAVE_DELAY_MS);
    });
    fs.querySelector(".pager-prev").addEventListener("click", () =>
      show(questions.indexOf(fs) - 1, { focus: true }),
    );
    fs.querySelector(".pager-next").addEventListener("click", () =>
      show(questions.indexOf(fs) + 1, { focus: true }),
    );
  }
  jumps.forEach((button, i) => button.addEventListener("click", () => show(i, { focus: true })));
  review.querySelector(".pager-back").addEventListener("click", () => {
    const firstOpen = questions.findIndex((fs) => !isAnswered(fs));
    show(firstOpen >= 0 ? firstOpen : 0, { focus: true });
  });
  // The server's "You left questions 2, 5 unanswered" links, and any #question-N link.
  document.addEventListener("click", (event) => {
    const link = event.target.closest("a[href^='#question-']");
    if (!link) return;
    const index = questions.findIndex((fs) => `#${fs.id}` === link.getAttribute("href"));
    if (index >= 0) {
      event.preventDefault();
      show(index, { focus: true });
    }
  });
  pagedButton.addEventListener("click", () => setMode("paged", { remember: true }));
  allButton.addEventListener("click", () => setMode("all", { remember: true }));
  window.addEventListener("online", () => flush());
  window.addEventListener("offline", () => {
    if (local.pending.length || local.pendingFlags.length) offline();
  });

  // Start where the student was (a reload), or at the first question with an error.
  const withError = questions.findIndex((fs) => fs.classList.contains("has-error"));
  if (withError >= 0) current = withError;
  else if (Number.isInteger(local.pos)) current = Math.max(0, Math.min(REVIEW, local.pos));
  const remembered = storageGet(sessionStorage, modeKey);
  const phone = window.matchMedia("(max-width: 767px)").matches;
  setMode(remembered === "paged" || remembered === "all" ? remembered : phone ? "paged" : "all");
  if (local.pending.length || local.pendingFlags.length) {
    if (navigator.onLine) flush();
    else offline();
  }
}

if (form && pager) init();
