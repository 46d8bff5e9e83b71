// Live check-in: follow the session without reloading (the projector and the students' phones).
// The page works without this file (every button is a form, a "Refresh" link). With it:
// - state.json is polled every 1.5 s; the projector's counts are updated in place;
// - when the session's revision changes, the page is fetched again and #live is swapped;
// - a student's answer is sent with fetch, then the page part is swapped the same way.
(function () {
  "use strict";
  const root = document.getElementById("live");
  if (!root || !window.fetch || !window.DOMParser) return;
  const stateUrl = root.dataset.liveState;
  const POLL_MS = 1500;
  let revision = root.dataset.liveRevision;
  let session = root.dataset.liveSession || "";
  let failures = 0;
  let busy = false;

  function setCount(name, value) {
    document.querySelectorAll('[data-live-count="' + name + '"]').forEach(function (el) {
      if (el.textContent !== String(value)) el.textContent = String(value);
    });
  }

  async function swap(html) {
    const doc = new DOMParser().parseFromString(html, "text/html");
    const fresh = doc.getElementById("live");
    const live = document.getElementById("live");
    if (!fresh || !live) return;
    const hadFocus = live.contains(document.activeElement);
    live.replaceWith(fresh);
    revision = fresh.dataset.liveRevision;
    session = fresh.dataset.liveSession || "";
    const messages = doc.querySelector(".messages");
    const old = document.querySelector("main > .messages");
    if (old) old.remove();
    if (messages) document.querySelector("main").prepend(messages);
    bindForms();
    if (hadFocus) {
      const heading = fresh.querySelector("h1");
      if (heading) heading.focus();
    }
  }

  async function refresh() {
    const response = await fetch(window.location.pathname, {
      credentials: "same-origin",
      cache: "no-store",
      headers: { Accept: "text/html" },
    });
    if (response.ok) await swap(await response.text());
  }

  async function poll() {
    if (!busy) {
      try {
        const response = await fetch(stateUrl, {
          credentials: "same-origin",
          cache: "no-store",
          headers: { Accept: "application/json" },
        });
        if (response.ok) {
          const state = await response.json();
          failures = 0;
          if ("answers" in state) setCount("answers", state.answers);
          if ("members" in state) setCount("members", state.members);
          const sameSession = !("session" in state) || String(state.session || "") === session;
          if (String(state.revision) !== String(revision) || !sameSession) {
            busy = true;
            try { await refresh(); } finally { busy = false; }
          }
        } else {
          failures += 1;
        }
      } catch (error) {
        failures += 1;
      }
    }
    // Back off while the server or the network fails (up to 10 s), then resume at once.
    const delay = failures ? Math.min(10000, POLL_MS * (1 + failures)) : POLL_MS;
    window.setTimeout(poll, document.hidden ? Math.max(delay, 5000) : delay);
  }

  function bindForms() {
    document.querySelectorAll("form[data-live-answer]").forEach(function (form) {
      if (form.dataset.bound) return;
      form.dataset.bound = "1";
      form.addEventListener("submit", async function (event) {
        event.preventDefault();
        const button = form.querySelector("button[type=submit]");
        if (button) button.disabled = true;
        busy = true;
        try {
          const response = await fetch(form.action, {
            method: "POST",
            body: new FormData(form),
            credentials: "same-origin",
            headers: { Accept: "text/html" },
          });
          // The server answers with a redirect to this page; fetch follows it.
          if (response.ok) await swap(await response.text());
          else form.submit();
        } catch (error) {
          form.submit();
        } finally {
          busy = false;
          if (button) button.disabled = false;
        }
      });
    });
  }

  bindForms();
  window.setTimeout(poll, POLL_MS);
})();
