// Starts GOV.UK Frontend's components (menus, password reveal, Exit this page, ...).
// Pages work without it; this only adds their enhancements.
import { initAll } from "/assets/govuk/govuk-frontend.min.js";

initAll();
