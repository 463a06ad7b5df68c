// fika: progressive enhancement only. Every page works without this file.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // A form's own address and method, read from its attributes: `form.action` and
  // `form.method` return a field instead when the form has one named "action" or "method".
  const formTarget = (form) => new URL(form.getAttribute("action") || "", location.href).href;
  const formMethod = (form) => (form.getAttribute("method") || "get").toLowerCase();
  // A button that cannot be undone asks first (`data-confirm`); without JavaScript the
  // form is sent as it is. Runs before any other submit handler (capture).
  document.addEventListener("submit", (e) => {
    const ask = e.submitter && e.submitter.dataset.confirm;
    if (!ask) return;
    if (!window.confirm(ask)) {
      e.preventDefault();
      e.stopImmediatePropagation();
      return;
    }
    // Answered here: the server need not ask again.
    const confirmed = e.target.querySelector("input[name=confirmed]");
    if (confirmed) confirmed.value = "1";
  }, true);

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

  // A new post-mortem's times: start the zone select at the browser's UTC offset, when the
  // select offers it (without JavaScript it stays at UTC, and says so).
  document.querySelectorAll("select[name=zone][data-browser-zone='1']").forEach((select) => {
    const east = -new Date().getTimezoneOffset();
    const pad = (n) => String(n).padStart(2, "0");
    const key = east === 0 ? "UTC"
      : (east < 0 ? "-" : "+") + pad(Math.floor(Math.abs(east) / 60)) + ":" + pad(Math.abs(east) % 60);
    if ([...select.options].some((o) => o.value === key)) select.value = key;
  });

  // Lists of rows (a post-mortem's timeline, factors, lessons and action items; an
  // experiment's metrics and variants) grow by a button, with no round trip. Without
  // JavaScript the server sends blank rows to fill, and more after each save or check.
  document.querySelectorAll("button[data-add-row]").forEach((button) => {
    const list = document.getElementById(button.dataset.addRow);
    const rows = list ? list.querySelectorAll("[data-row]") : [];
    if (rows.length === 0) return;
    // The pattern for new rows: the last row as served (a blank one).
    const pattern = rows[rows.length - 1].cloneNode(true);
    button.hidden = false;
    button.addEventListener("click", () => {
      const n = list.querySelectorAll("[data-row]").length;
      const row = pattern.cloneNode(true);
      row.querySelectorAll(".field-error").forEach((e) => e.remove());
      const fields = row.matches("input, textarea, select") ? [row]
        : Array.from(row.querySelectorAll("input, textarea, select"));
      fields.forEach((f) => {
        // Fields are numbered by row (timeline_at_3): the server reads them in order.
        f.name = f.name.replace(/_\d+$/, "_" + n);
        const label = f.getAttribute("aria-label");
        if (label) f.setAttribute("aria-label", label.replace(/\d+/, String(n + 1)));
        // A select keeps the blank row's default choice.
        if (f.tagName !== "SELECT") f.value = "";
      });
      list.appendChild(row);
      const first = fields.find((f) => f.type !== "hidden");
      if (first) first.focus();
    });
  });
  document.querySelectorAll("[data-no-js]").forEach((e) => { e.hidden = true; });

  // A long list of checkboxes gets a box that narrows it as you type (without JavaScript
  // the whole list shows, and the box stays hidden).
  document.querySelectorAll(".checklist").forEach((list) => {
    const filter = list.querySelector(".checklist-filter");
    if (!filter) return;
    filter.hidden = false;
    filter.addEventListener("input", () => {
      const q = filter.value.trim().toLowerCase();
      list.querySelectorAll(".checklist-items label").forEach((label) => {
        label.hidden = q !== "" && !label.textContent.toLowerCase().includes(q);
      });
    });
    // Enter in the filter must not send the form.
    filter.addEventListener("keydown", (e) => { if (e.key === "Enter") e.preventDefault(); });
  });

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

  // Search as you type: titles from /search/suggest under the header box (and the big box on
  // /search). Without JavaScript the form simply submits to /search.
  document.querySelectorAll("#q, input[data-suggest]").forEach((input) => {
    const form = input.form;
    if (!form) return;
    form.style.position = "relative";
    const list = document.createElement("ul");
    list.className = "suggest-box";
    list.id = input.id + "-suggestions";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    form.appendChild(list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");
    let timer = null;
    let asked = 0;
    let active = -1;
    const close = () => {
      list.hidden = true;
      active = -1;
      input.setAttribute("aria-expanded", "false");
    };
    const mark = () => {
      list.querySelectorAll("a").forEach((a, i) => a.setAttribute("aria-selected", String(i === active)));
    };
    const show = (items) => {
      list.replaceChildren();
      items.forEach((s) => {
        const li = document.createElement("li");
        const a = document.createElement("a");
        a.href = s.url;
        a.setAttribute("role", "option");
        a.textContent = s.title;
        const kind = document.createElement("span");
        kind.className = "kind";
        kind.textContent = s.kind === "unit" ? "team" : s.kind;
        a.appendChild(kind);
        li.appendChild(a);
        list.appendChild(li);
      });
      active = -1;
      list.hidden = items.length === 0;
      input.setAttribute("aria-expanded", String(items.length > 0));
    };
    input.addEventListener("input", () => {
      clearTimeout(timer);
      const q = input.value.trim();
      if (q.length < 2) { close(); return; }
      timer = setTimeout(() => {
        const mine = ++asked;
        fetch("/search/suggest?q=" + encodeURIComponent(q), { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then((r) => (r.ok ? r.json() : Promise.reject(r.status)))
          .then((j) => { if (mine === asked) show(j.suggestions || []); })
          .catch(() => close());
      }, 120);
    });
    input.addEventListener("keydown", (e) => {
      const links = list.querySelectorAll("a");
      if (list.hidden || links.length === 0) return;
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        const n = links.length;
        active = e.key === "ArrowDown" ? (active + 1) % n : (active - 1 + n) % n;
        mark();
      } else if (e.key === "Enter" && active >= 0) {
        e.preventDefault();
        window.location.href = links[active].href;
      } else if (e.key === "Escape") {
        close();
      }
    });
    document.addEventListener("click", (e) => { if (!form.contains(e.target)) close(); });
  });

  // Image upload from the editor: insert the Markdown at the cursor instead of opening a tab.
  const imageForm = document.getElementById("image-form");
  const body = document.getElementById("p-body");
  if (imageForm && body) {
    imageForm.addEventListener("submit", (event) => {
      event.preventDefault();
      fetch(formTarget(imageForm), {
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
          HTMLFormElement.prototype.reset.call(imageForm);
        })
        .catch((message) => alert(message || "The image could not be uploaded."));
    });
  }

  // The sample-size calculator answers while the numbers are typed (the API computes, so the
  // figures are the server's). Without JavaScript its Calculate button does the same.
  document.querySelectorAll("[data-calc]").forEach((grid) => {
    const out = grid.parentElement.querySelector("[data-calc-live]");
    if (!out) return;
    const field = (name) => grid.querySelector(`[name=calc_${name}]`);
    const num = (name) => parseFloat((field(name).value || "").replace("%", "").trim());
    const group = (n) => n.toLocaleString("en-US");
    let timer = null;
    let sent = 0;
    const update = () => {
      // The page takes percent where it says so; the API takes fractions.
      const conversion = field("type").value === "conversion";
      const relative = field("mde_type").value === "relative";
      const q = new URLSearchParams({
        type: field("type").value,
        baseline: conversion ? num("baseline") / 100 : num("baseline"),
        mde: conversion || relative ? num("mde") / 100 : num("mde"),
        mde_type: field("mde_type").value,
        alternative: field("sides").value,
        alpha: num("alpha"),
        power: num("power"),
        variants: num("variants"),
      });
      if (!conversion) q.set("sd", num("sd"));
      const share = num("control_share");
      if (!Number.isNaN(share)) q.set("control_share", share / 100);
      const daily = parseInt((field("daily").value || "").replace(/[,_ ]/g, ""), 10);
      if (daily > 0) q.set("daily", daily);
      if ([...q.values()].some((v) => v === "NaN")) return;
      const mine = ++sent;
      fetch(`/api/v1/experiments/sample-size?${q}`, { credentials: "same-origin" })
        .then((r) => r.json().then((j) => ({ ok: r.ok, j })))
        .then(({ ok, j }) => {
          if (mine !== sent) return;
          out.hidden = false;
          out.textContent = "";
          if (!ok) {
            out.textContent = j.error || "Those numbers cannot be calculated.";
            return;
          }
          const strong = (t) => { const b = document.createElement("strong"); b.textContent = t; return b; };
          if (j.control !== j.per_treatment) {
            out.append(strong(group(j.control)), " in the control and ", strong(group(j.per_treatment)), " in each treatment, ");
          } else {
            out.append(strong(group(j.per_variant)), " per variant, ");
          }
          out.append(strong(group(j.total)), " in total");
          if (j.days) out.append(", about ", strong(String(j.days)), j.days === 1 ? " day of traffic" : " days of traffic");
          out.append(".");
          if (j.warning) out.append(" ", j.warning);
        })
        .catch(() => {});
    };
    grid.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(update, 300);
    });
  });

  // The blameless check while writing: each text of a post-mortem form is checked shortly
  // after the writer pauses, and its findings are listed under it. Without JavaScript the
  // "Check the wording" button does the same for the whole form.
  document.querySelectorAll("form.pm-form").forEach((form) => {
    const token = form.querySelector("input[name=csrf_token]");
    if (!token) return;
    const fields = form.querySelectorAll("textarea, input[name=title], input[name^=timeline_text_], input[name^=factor_], input[name^=lesson_title_], input[name^=action_title_]");
    fields.forEach((field) => {
      const out = document.createElement("ul");
      out.className = "live-findings";
      out.setAttribute("aria-live", "polite");
      field.insertAdjacentElement("afterend", out);
      let timer = null;
      let sent = 0;
      const update = () => {
        const mine = ++sent;
        if (!field.value.trim()) { out.replaceChildren(); return; }
        fetch("/api/v1/blameless/check", {
          method: "POST",
          headers: { "Content-Type": "application/json", "X-CSRF-Token": token.value },
          body: JSON.stringify({ text: field.value, place: field.name.startsWith("factor_") ? "contributing_factors" : field.name.startsWith("action_title_") ? "action_items" : "anywhere" }),
          credentials: "same-origin",
        })
          .then((r) => (r.ok ? r.json() : Promise.reject(r.status)))
          .then((findings) => {
            if (mine !== sent) return;
            out.replaceChildren(...findings.map((f) => {
              const li = document.createElement("li");
              const mark = document.createElement("mark");
              mark.textContent = f.phrase;
              const why = document.createElement("span");
              why.className = "hint";
              why.textContent = " " + f.reason + " Try: " + f.suggestion;
              li.append(mark, why);
              return li;
            }));
          })
          .catch(() => {});
      };
      field.addEventListener("input", () => {
        clearTimeout(timer);
        timer = setTimeout(update, 400);
      });
    });
  });
  // A live retro board: the page polls itself with the version it shows; the server answers
  // 204 until the retro changes, then with the board, whose parts replace these. Forms on the
  // board post in the background and show their answer the same way. Without this script
  // every form posts and the page reloads, and the board is as fresh as the last reload.
  const live = document.querySelector("[data-live-retro]");
  if (live) {
    const url = live.dataset.liveRetro;
    let version = Number(live.dataset.version);
    let phase = live.dataset.phase;
    // Who the page shows as here: the server answers 204 only while nobody came or left.
    let here = live.dataset.here || "";
    let busy = false;
    // Replaces the head and the board (and the forms, when the phase changed or after one of
    // ours was sent), keeping ticked cards ticked. False when `html` is not a board.
    const apply = (html, ours) => {
      const doc = new DOMParser().parseFromString(html, "text/html");
      const next = doc.querySelector("[data-live-retro]");
      if (!next) return false;
      const v = Number(next.dataset.version);
      if (!ours && v < version) return true;
      const ticked = new Set(Array.from(live.querySelectorAll("input[type=checkbox]:checked"), (c) => c.value));
      const swap = (id) => {
        const mine = document.getElementById(id);
        const theirs = doc.getElementById(id);
        if (mine && theirs) mine.replaceWith(document.adoptNode(theirs));
      };
      swap("retro-head");
      swap("retro-facilitate");
      swap("retro-board");
      if (ours || next.dataset.phase !== phase) swap("retro-forms");
      live.querySelectorAll("input[type=checkbox]").forEach((c) => {
        if (ticked.has(c.value)) c.checked = true;
      });
      version = v;
      here = next.dataset.here || "";
      live.dataset.here = here;
      phase = next.dataset.phase;
      live.dataset.version = String(v);
      live.dataset.phase = phase;
      return true;
    };
    // Ctrl+Enter (⌘+Enter on a Mac) in the card box adds the card.
    live.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && e.target.id === "card-body" && e.target.form) {
        e.preventDefault();
        e.target.form.requestSubmit();
      }
    });
    live.addEventListener("submit", (e) => {
      const form = e.target;
      if (!(form instanceof HTMLFormElement) || formMethod(form) !== "post") return;
      e.preventDefault();
      const typing = document.activeElement && document.activeElement.id;
      // After "Add card" (pressed or Ctrl+Enter) the next card goes in the same box.
      const carded = form.classList.contains("card-form");
      const body = new URLSearchParams(new FormData(form, e.submitter));
      busy = true;
      fetch(formTarget(form), { method: "POST", body, credentials: "same-origin" })
        .then((r) => r.text())
        .then((html) => {
          if (!apply(html, true)) { location.assign(url); return; }
          // Keep writing: the next card goes in the same box.
          const again = carded ? document.getElementById("card-body")
            : typing && document.getElementById(typing);
          if (again && again.tagName === "TEXTAREA") again.focus();
        })
        .catch(() => location.assign(url))
        .finally(() => { busy = false; });
    });
    const poll = () => {
      if (busy) { setTimeout(poll, 1000); return; }
      fetch(url + "?v=" + version + "&here=" + encodeURIComponent(here), { credentials: "same-origin", cache: "no-store" })
        .then((r) => (r.status === 200 ? r.text().then((html) => { if (!busy) apply(html, false); }) : null))
        .catch(() => {})
        .finally(() => setTimeout(poll, 1000));
    };
    setTimeout(poll, 1000);
  }

  // Importing experiment data: a chosen file is read into the text box, which is what is
  // sent (without JavaScript, the file is pasted there).
  document.querySelectorAll("[data-csv-file]").forEach((label) => {
    const input = label.querySelector("input[type=file]");
    const box = document.getElementById("x-csv");
    if (!input || !box) return;
    label.hidden = false;
    input.addEventListener("change", () => {
      const file = input.files && input.files[0];
      if (file) file.text().then((t) => { box.value = t; });
    });
  });
});
