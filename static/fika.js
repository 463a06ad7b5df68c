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

  // Live preview: the server renders (the same sanitizer as the page itself), shortly after
  // the user stops typing. Without JavaScript the Preview button does the same.
  document.querySelectorAll("textarea[data-preview]").forEach((area) => {
    const pane = document.getElementById(area.dataset.preview);
    const token = area.form && area.form.querySelector("input[name=csrf_token]");
    if (!pane || !token) return;
    let timer = null;
    let sent = 0;
    const update = () => {
      const mine = ++sent;
      fetch("/pages/preview", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", "X-CSRF-Token": token.value },
        body: new URLSearchParams({ body: area.value }),
        credentials: "same-origin",
      })
        .then((r) => (r.ok ? r.text() : Promise.reject(r.status)))
        .then((html) => { if (mine === sent) pane.innerHTML = html; })
        .catch(() => {});
    };
    area.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(update, 250);
    });
    if (area.value) update();
  });

  // Image upload from the editor: insert the Markdown at the cursor instead of opening a tab.
  const imageForm = document.getElementById("image-form");
  const body = document.getElementById("p-body");
  if (imageForm && body) {
    imageForm.addEventListener("submit", (event) => {
      event.preventDefault();
      fetch(imageForm.action, {
        method: "POST",
        body: new FormData(imageForm),
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      })
        .then((r) => r.json().then((j) => (r.ok ? j : Promise.reject(j.error))))
        .then((j) => {
          const at = body.selectionStart || body.value.length;
          body.value = body.value.slice(0, at) + "\n" + j.markdown + "\n" + body.value.slice(at);
          body.dispatchEvent(new Event("input"));
          imageForm.reset();
        })
        .catch((message) => alert(message || "The image could not be uploaded."));
    });
  }
});
