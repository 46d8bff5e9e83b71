// "New random seed" without a round trip: fills the seed box with a fresh random number.
// Without JavaScript the button stays hidden and the "Use a new random seed" box does the job.
const MAX_SEED = 4294967295;

for (const button of document.querySelectorAll("button.sim-new-seed")) {
  const input = document.getElementById(button.dataset.seedTarget);
  const checkbox = document.getElementById(button.dataset.randomTarget);
  if (!input) continue;
  button.hidden = false;
  button.addEventListener("click", () => {
    const value = new Uint32Array(1);
    crypto.getRandomValues(value);
    input.value = String(Math.min(value[0], MAX_SEED));
    if (checkbox) checkbox.checked = false;
    input.focus();
  });
}
