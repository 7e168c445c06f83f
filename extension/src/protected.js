// The options page's "Protected passwords" section: which accounts are protected, forget one,
// learning on or off, protect a password by hand, and the sites allowed as "mine too". The
// background (credentials.js) holds everything; this page never sees a fingerprint or a length.

import { visible } from "./explain.js";

const $ = (id) => document.getElementById(id);

function el(tag, text, props = {}) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = visible(text);
  return Object.assign(node, props);
}

const ask = (message) => chrome.runtime.sendMessage(message);

function when(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? "" : date.toLocaleDateString(undefined, { dateStyle: "medium" });
}

function entryRow(entry) {
  const row = el("li", null, { className: "cg-entry" });
  row.dataset.kind = entry.kind;
  row.append(el("strong", entry.name), el("span", ` — learned on ${entry.learnedOn}, ${when(entry.at)} `));
  if (entry.locked) {
    row.append(el("span", "(required by your IT department)", { className: "note" }));
  } else {
    const forget = el("button", "Forget", { className: "button cg-forget", type: "button" });
    forget.addEventListener("click", async () => {
      const answer = await ask({ type: "credential-forget", id: entry.id });
      $("cg-result").textContent = answer?.ok ? `Forgot one ${entry.name} password.` : `Not forgotten: ${answer?.error}`;
      render();
    });
    row.append(forget);
  }
  return row;
}

function exceptionRows(exceptions, names) {
  const rows = [];
  for (const [kind, hosts] of Object.entries(exceptions ?? {})) {
    for (const host of hosts) {
      const row = el("li", `${host} (${names.get(kind) ?? kind} password) `);
      const remove = el("button", "Remove", { className: "button", type: "button" });
      remove.addEventListener("click", async () => {
        await ask({ type: "credential-forget", exception: true, kind, host });
        render();
      });
      row.append(remove);
      rows.push(row);
    }
  }
  return rows;
}

async function render() {
  const answer = await ask({ type: "credential-overview" });
  if (!answer?.ok) {
    $("cg-result").textContent = `lureguard's background did not answer: ${answer?.error ?? "no answer"}`;
    return;
  }
  $("cg-off").hidden = answer.active;
  const names = new Map(answer.accounts.map((a) => [a.kind, a.name]));
  const entries = $("cg-entries");
  entries.replaceChildren(...answer.entries.map(entryRow));
  if (!answer.entries.length) entries.append(el("li", "No password is protected yet.", { className: "note" }));
  const ssoMissing = answer.requireSso && !answer.entries.some((e) => e.kind === "sso");
  $("cg-required").hidden = !ssoMissing;
  if (ssoMissing) {
    $("cg-required").textContent =
      `Your IT department asks you to sign in once at ${answer.sso.login_hosts[0]}, so that lureguard ` +
      `protects your ${answer.sso.name} password.`;
  }
  $("cg-learn").checked = answer.learn;
  $("cg-learn").disabled = answer.learnLocked;
  $("cg-learn-locked").hidden = !answer.learnLocked;
  const select = $("cg-kind");
  const chosen = select.value;
  select.replaceChildren(
    ...[...answer.accounts]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((a) => el("option", a.name, { value: a.kind })),
  );
  if (chosen) select.value = chosen;
  const rows = exceptionRows(answer.exceptions, names);
  $("cg-exceptions").replaceChildren(...rows);
  $("cg-exceptions-title").hidden = rows.length === 0;
}

$("cg-learn").addEventListener("change", async () => {
  const answer = await ask({ type: "credential-learning", learn: $("cg-learn").checked });
  if (!answer?.ok) $("cg-result").textContent = answer?.error ?? "not changed";
  render();
});

$("cg-protect").addEventListener("submit", async (event) => {
  event.preventDefault();
  const field = $("cg-password");
  const answer = await ask({ type: "credential-protect", kind: $("cg-kind").value, value: field.value });
  field.value = "";
  $("cg-result").textContent = answer?.ok
    ? answer.added
      ? "Protected. lureguard keeps only a salted fingerprint of it."
      : "That password was already protected."
    : `Not protected: ${answer?.error ?? "no answer"}.`;
  render();
});

render();
