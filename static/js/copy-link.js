// "Copy the link" buttons: shown only where scripts run, each copies the text of the input
// its data-app-copy attribute names and says so in its own live region.
for (const button of document.querySelectorAll("[data-app-copy]")) {
  const input = document.getElementById(button.dataset.appCopy);
  const status = document.getElementById(button.dataset.appCopyStatus);
  if (!input) continue;
  button.hidden = false;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(input.value);
      if (status) status.textContent = "Link copied.";
    } catch {
      input.focus();
      input.select();
      if (status) status.textContent = "Press Ctrl and C (or Command and C) to copy the selected link.";
    }
  });
}
