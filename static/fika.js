// fika: progressive enhancement only. Every page works without this file.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // Select a freshly created API token on click, so it is easy to copy.
  const secret = document.getElementById("new-token");
  if (secret) {
    secret.addEventListener("click", () => {
      const range = document.createRange();
      range.selectNodeContents(secret);
      const sel = window.getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
    });
  }
});
