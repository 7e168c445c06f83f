// The credential guard's warning page: a protected password was typed on a site it does not
// belong to, and lureguard stopped the page before the form left. What it shows comes from the
// background (the alert is looked up by id, never read from this page's address), every string is
// set with textContent, and the host's lureguard verdict is shown beside it.

import { realSiteUrl, visible } from "./explain.js";

const id = new URLSearchParams(location.search).get("id") ?? "";

function el(tag, text, props = {}) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = visible(text);
  return Object.assign(node, props);
}

function verdictBox(host, verdict) {
  const box = el("div", null, { className: "verdict", id: "verdict" });
  box.append(el("span", `lureguard's verdict for ${host}`, { className: "label" }));
  if (!verdict || !verdict.verdict) {
    box.append(el("p", "lureguard could not check this site right now."));
    return box;
  }
  box.classList.add(verdict.verdict);
  const flagged = (verdict.reasons ?? []).filter((r) => r.level !== "allow" && r.kind !== "allowlisted");
  const headline = {
    allow: "Not a known lookalike or phishing site",
    warn: "A lookalike site",
    block: "A blocked site",
  }[verdict.verdict];
  const line = el("p");
  line.append(el("strong", headline, { id: "verdict-level" }));
  box.append(line);
  if (verdict.verdict === "allow") {
    box.append(
      el(
        "p",
        "Its name imitates nobody and it is on no blocklist yet: most phishing sites start out like this. " +
          "The password is what gave it away.",
        { className: "small" },
      ),
    );
  }
  const list = el("ul", null, { className: "reasons" });
  for (const reason of flagged) list.append(el("li", `${reason.detail} (rule ${reason.rule_id})`));
  if (flagged.length) box.append(list);
  return box;
}

function exceptionChoice(info, result) {
  const box = el("details");
  box.append(el("summary", "This site is mine too"));
  box.append(
    el(
      "p",
      `Only if ${info.record.host} really is a site where you use your ${info.record.name} password ` +
        "(your company's own portal, for example). lureguard will not stop it there again and records " +
        "your choice in its log.",
      { className: "small" },
    ),
  );
  const row = el("div", null, { className: "proceed" });
  const button = el("button", `Allow my ${info.record.name} password on ${info.record.host}`, {
    className: "btn",
    id: "mine-too",
    type: "button",
  });
  button.addEventListener("click", async (event) => {
    if (!event.isTrusted) return;
    button.disabled = true;
    const answer = await chrome.runtime.sendMessage({ type: "credential-exception", id });
    if (answer?.ok) location.replace(answer.url);
    else {
      result.textContent = `Not allowed: ${answer?.error ?? "no answer"}.`;
      button.disabled = false;
    }
  });
  row.append(button);
  box.append(row);
  return box;
}

function render(info) {
  const { record, verdict } = info;
  const card = document.getElementById("card");
  const heading = `You typed your ${record.name} password into ${record.host}, which is not ${record.name}`;
  document.title = visible(`${heading} – lureguard`);
  const result = el("p", null, { className: "small", id: "result" });
  const login = realSiteUrl(record.loginHost);
  const actions = el("div", null, { className: "actions" });
  if (login) {
    actions.append(el("a", `Go to ${record.name}'s sign-in page`, { className: "btn primary", id: "real-site", href: login }));
  }
  actions.append(el("a", "Leave this site", { className: "btn", id: "leave", href: "about:blank" }));
  card.replaceChildren(
    el("span", "lureguard · password stopped", { className: "badge" }),
    el("h1", heading, { id: "headline" }),
    el(
      "p",
      `lureguard stopped the page before your password was sent. ${record.host} is not one of ` +
        `${record.name}'s sites, and a page that asks for your ${record.name} password anywhere else is ` +
        "how accounts get stolen.",
      { className: "why" },
    ),
    verdictBox(record.host, verdict),
    el(
      "p",
      `If you had already pressed a button or Enter on that page before, or you are not sure, change your ` +
        `${record.name} password now, from ${record.name}'s own sign-in page.`,
      { className: "advice", id: "advice" },
    ),
    actions,
    ...(info.canException ? [exceptionChoice(info, result)] : []),
    result,
    el(
      "p",
      "Your password never left this computer: lureguard keeps only a salted fingerprint of it, in this " +
        "browser, and tells the lureguard service only the site's name and which account it was.",
      { className: "small", id: "privacy" },
    ),
  );
}

async function main() {
  const answer = await chrome.runtime.sendMessage({ type: "credential-alert", id });
  if (!answer?.ok) {
    document.getElementById("card").replaceChildren(
      el("h1", "lureguard stopped a password"),
      el("p", answer?.error ?? "No answer from lureguard.", { className: "error" }),
    );
    return;
  }
  render(answer);
}

main();
