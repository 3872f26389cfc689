// Behaviour shared by every page, bound here rather than in inline handlers (the CSP forbids them).
document.addEventListener("click", function (event) {
  const printer = event.target.closest("[data-action=print]");
  if (printer) {
    window.print();
  }
});
