// What the pages' markup asks for, without inline scripts (the Content-Security-Policy allows none).
// <select data-autosubmit>: submit its form on change. <form data-busy="ID">: show the busy bar ID on submit.
document.addEventListener("change", (event) => {
  if (event.target.matches("[data-autosubmit]")) event.target.form.submit();
});
document.addEventListener("submit", (event) => {
  const busy = event.target.dataset.busy;
  if (busy) document.getElementById(busy)?.classList.add("htmx-request");
});
