// The cash-application workbench without the mouse. j/k or the arrows move between lines;
// Enter or a accepts the best candidate, n marks "not a customer receipt", u undoes, / searches
// a customer in the line's form; Esc leaves a field. After a decision the next open line is current.
(() => {
  let current = null;

  const lines = () => Array.from(document.querySelectorAll("#cash-lines tbody.line"));

  function select(line) {
    if (!line) return;
    lines().forEach((other) => other.classList.remove("current"));
    line.classList.add("current");
    current = line.id;
    line.focus({ preventScroll: true });
    line.scrollIntoView({ block: "nearest" });
  }

  const currentLine = () => (current && document.getElementById(current)) || null;

  function move(step) {
    const all = lines();
    if (!all.length) return;
    const at = all.indexOf(currentLine());
    select(all[Math.min(Math.max(at + step, 0), all.length - 1)] || all[0]);
  }

  function nextOpen(after) {
    const all = lines();
    const at = all.indexOf(after);
    const open = (line) => !line.classList.contains("decided");
    return all.slice(at + 1).find(open) || all.slice(0, at).find(open) || after;
  }

  function press(selector) {
    const button = currentLine()?.querySelector(selector);
    if (button) button.click();
  }

  document.addEventListener("keydown", (event) => {
    if (!document.getElementById("cash-lines") || event.ctrlKey || event.metaKey || event.altKey) return;
    const field = event.target.closest?.("input, select, textarea");
    if (field) {
      if (event.key === "Escape") {
        field.blur();
        select(field.closest("tbody.line") || currentLine());
      }
      return;
    }
    if (event.target.closest?.("button, a") && event.key === "Enter") return;
    const actions = {
      j: () => move(1),
      ArrowDown: () => move(1),
      k: () => move(-1),
      ArrowUp: () => move(-1),
      Enter: () => press("button.accept-top"),
      a: () => press("button.accept-top"),
      n: () => press("button.not-customer"),
      u: () => press("button.undo"),
      "/": () => currentLine()?.querySelector("input.customer-search")?.focus(),
    };
    const action = actions[event.key];
    if (!action) return;
    event.preventDefault();
    if (!currentLine()) select(lines()[0]);
    else action();
  });

  document.addEventListener("click", (event) => {
    const line = event.target.closest?.("#cash-lines tbody.line");
    if (line && line.id !== current) {
      lines().forEach((other) => other.classList.remove("current"));
      line.classList.add("current");
      current = line.id;
    }
  });

  // A line's row came back from the server: after a decision go on to the next open line.
  document.addEventListener("htmx:afterSettle", (event) => {
    const line = event.target.closest?.("#cash-lines tbody.line");
    const swapped = line ? document.getElementById(line.id) : null;
    if (!swapped) return;
    if (swapped.dataset.outcome === "decided") select(nextOpen(swapped));
    else select(swapped);
  });

  document.addEventListener("DOMContentLoaded", () => {
    const first = lines().find((line) => !line.classList.contains("decided")) || lines()[0];
    if (first) select(first);
  });
})();
