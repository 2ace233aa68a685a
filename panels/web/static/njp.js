// Starts GOV.UK Frontend's components (menus, password reveal, Exit this page, ...).
// Pages work without it; this only adds their enhancements.
import { initAll } from "/assets/govuk/govuk-frontend.min.js";

initAll();

// "Copy the address" buttons (hidden until this script can make them work).
for (const button of document.querySelectorAll("[data-njp-copy]")) {
  const source = document.getElementById(button.dataset.njpCopy);
  if (!source || !navigator.clipboard) continue;
  button.hidden = false;
  button.addEventListener("click", async () => {
    await navigator.clipboard.writeText(source.value);
    button.textContent = "Copied";
  });
}
