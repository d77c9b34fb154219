// The "Print this report" button: shown only where scripts run, it opens the print dialogue.
for (const button of document.querySelectorAll("[data-app-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
