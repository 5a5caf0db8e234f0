// Print and copy-link buttons of a good practice brief, and confirmations before deleting
// (no inline script: the CSP forbids it).
document.addEventListener("click", (event) => {
  const print = event.target.closest("[data-print]");
  if (print) {
    window.print();
    return;
  }
  const copy = event.target.closest("[data-copy]");
  if (copy) {
    const input = document.querySelector(copy.dataset.copy);
    if (input) {
      input.select();
      if (navigator.clipboard) {
        navigator.clipboard.writeText(input.value);
      }
    }
  }
});

// <form data-confirm="Question?">: ask before submitting (deleting an attachment).
document.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-confirm]");
  if (form && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});
