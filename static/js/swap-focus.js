// After an htmx swap, keyboard and screen reader focus moves to the first element the new
// content marks with data-autofocus (the new month's heading, the first of the older sessions),
// instead of falling back to <body> when the control that was activated is replaced.

function settle() {
  const target = document.querySelector("[data-autofocus]");
  document.querySelectorAll("[data-autofocus]").forEach((element) => {
    element.removeAttribute("data-autofocus");
  });
  return target;
}

settle(); // what the page loaded with stays where it is
document.addEventListener("htmx:afterSettle", () => {
  const target = settle();
  if (target) target.focus({ preventScroll: false });
});
