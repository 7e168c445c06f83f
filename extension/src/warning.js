// The extension's own warning page, shown when the browser is not routed through lureguard's
// proxy: the same explanation and choices as the proxy's page (warning.html in the addon). The
// background judges the address again; nothing shown is taken from this page's own URL except
// the address itself, and every string is set with textContent.

import { compareNames, nameElement, realSiteUrl, visible } from "./explain.js";

const SENTENCES = {
  homoglyph: "This address uses look-alike characters to imitate {target}.",
  "idn-mixed-script": "This address mixes letters from different alphabets to look like {target}.",
  typo: "This address is a misspelling of {target}.",
  bitsquat:
    "This address differs from {target} by a single flipped bit, a trick for catching mistyped or corrupted requests.",
  "tld-swap": "This address uses {brand}'s name with a different ending than {target}.",
  combosquat: "This address adds words to {brand}'s name, but {brand} does not own it.",
  "target-embedding": "This address starts with {target}, but the site you would reach is someone else's.",
  blocklist: "This site is on a blocklist of known phishing or malware sites.",
  "url-rule": "This page is on a blocklist of known phishing pages.",
  pattern: "This address matches a pattern used by known phishing campaigns.",
  "link-mismatch": "The link you followed named a different site than the one it leads to.",
};

const params = new URLSearchParams(location.search);
const url = params.get("url") ?? "";
const back = params.get("back") ?? "";

function el(tag, text, props = {}) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = visible(text);
  return Object.assign(node, props);
}

function sentence(reason) {
  if (!reason) return "This address matched one of lureguard's rules.";
  const template = SENTENCES[reason.kind] ?? "This address matched the rule {rule}.";
  return template
    .replaceAll("{target}", reason.target || "a well-known site")
    .replaceAll("{brand}", reason.brand || "the brand")
    .replaceAll("{rule}", reason.rule_id);
}

// The reason the page leads with: the strictest, preferring one that names a real site.
function mainReason(reasons) {
  const rank = (r) => (r.level === "block" ? 0 : 2) + (r.target ? 0 : 1);
  return [...reasons].sort((a, b) => rank(a) - rank(b))[0] ?? null;
}

function title(reason, action) {
  if (reason?.brand && !["blocklist", "url-rule"].includes(reason.kind)) return `This is not ${reason.brand}`;
  return action === "block" ? "This site was blocked" : "This site may be a trap";
}

function nameBox(label, node, extra) {
  const box = el("div", null, { className: "name" });
  box.append(el("span", label, { className: "label" }), node);
  if (extra) box.append(extra);
  return box;
}

function names(verdict, reason) {
  const display = verdict.display_host ?? verdict.host ?? "";
  const spelled =
    verdict.host && verdict.host !== display ? el("span", `spelled ${verdict.host}`, { className: "ascii" }) : null;
  const { visited, visitedMarks, target, targetMarks } = compareNames(display, verdict.registered_domain, reason);
  const grid = el("div", null, { className: "names" });
  const visitedNode = nameElement(visited, visitedMarks, "host");
  visitedNode.id = "visited";
  grid.append(nameBox("You are visiting", visitedNode, spelled));
  if (target.length) {
    const realNode = nameElement(target, targetMarks, "host");
    realNode.id = "real";
    grid.append(nameBox(`The real ${reason.brand || "site"}`, realNode));
  }
  return grid;
}

function details(verdict, info, flagged) {
  const list = el("dl");
  const rules = flagged.map((r) => r.rule_id + (r.source ? ` (source: ${r.source})` : "")).join("; ");
  const shortUrl = url.length <= 200 ? url : `${url.slice(0, 199)}…`;
  for (const [term, value, id] of [
    ["Rule", rules, "rule"],
    ["Rule set", info.ruleset || "", null],
    ["Address", shortUrl, null],
  ]) {
    const dd = el("dd", value);
    if (id) dd.id = id;
    list.append(el("dt", term), dd);
  }
  return list;
}

function actions(reason) {
  const row = el("div", null, { className: "actions" });
  const href = realSiteUrl(reason?.target);
  if (href) {
    row.append(el("a", `Go to ${reason.target}`, { className: "btn primary", id: "real-site", href }));
  }
  if (/^https?:\/\//i.test(back)) {
    row.append(el("a", "Go back", { className: "btn", id: "go-back", href: back }));
  } else {
    row.append(el("a", "Leave this page", { className: "btn", id: "go-back", href: "about:blank" }));
  }
  return row;
}

function choices(verdict, info, flagged) {
  const box = el("details");
  box.append(el("summary", info.canProceed ? "Proceed anyway or report a false alarm" : "Report a false alarm"));
  const result = el("p", null, { className: "small", id: "result" });
  if (info.canProceed) {
    const row = el("div", null, { className: "proceed" });
    row.append(el("span", `I understand the risk. Proceed to ${verdict.display_host ?? verdict.host} for:`, { className: "small" }));
    // The lengths the policy allows, from the background (the proxy's page offers the same).
    for (const { key: duration, label } of info.choices ?? []) {
      const button = el("button", label, { className: "btn", id: `proceed-${duration}`, type: "button" });
      button.addEventListener("click", async () => {
        const answer = await chrome.runtime.sendMessage({ type: "proceed", url, duration });
        if (answer?.ok) location.replace(url);
        else result.textContent = `lureguard did not let you through: ${answer?.error ?? "no answer"}.`;
      });
      row.append(button);
    }
    box.append(row);
  }
  const report = el("div", null, { className: "proceed" });
  const button = el("button", "Report a false alarm", { className: "btn", id: "report", type: "button" });
  button.addEventListener("click", async () => {
    button.disabled = true;
    const answer = await chrome.runtime.sendMessage({
      type: "report",
      url,
      rule_id: flagged[0]?.rule_id ?? null,
      verdict: verdict.verdict,
    });
    result.textContent = answer?.ok
      ? "Thank you: the false alarm was recorded on this computer."
      : `Not sent: ${answer?.error ?? "no answer"}`;
  });
  report.append(el("span", "Is this a site you trust?", { className: "small" }), button);
  box.append(report, result, el("p", "Reports and bypasses are recorded on this computer only.", { className: "small" }));
  return box;
}

function render(info) {
  const card = document.getElementById("card");
  const { verdict, action } = info;
  const flagged = (verdict?.reasons ?? []).filter((r) => r.level !== "allow");
  if (action !== "warn" && action !== "block") {
    // Judged harmless now (rules changed, or a bypass): nothing to stop.
    location.replace(url);
    return;
  }
  const reason = mainReason(flagged);
  document.body.className = action;
  document.title = visible(`${title(reason, action)} – lureguard`);
  card.replaceChildren(
    el("span", `lureguard · ${action === "block" ? "blocked" : "warning"}`, { className: "badge" }),
    el("h1", title(reason, action)),
    el("p", sentence(reason), { className: "why" }),
    names(verdict, reason),
    el("ul", null, { className: "reasons" }),
    details(verdict, info, flagged),
    actions(reason),
    choices(verdict, info, flagged),
    el("p", "Shown by the lureguard extension: this browser does not go through lureguard's proxy.", {
      className: "small",
      id: "source",
    }),
  );
  card.querySelector("ul.reasons").append(...flagged.map((r) => el("li", r.detail)));
}

async function main() {
  const answer = await chrome.runtime.sendMessage({ type: "warning", url });
  if (!answer?.ok || !answer.verdict?.verdict) {
    const card = document.getElementById("card");
    card.replaceChildren(
      el("h1", "lureguard could not check this address"),
      el("p", answer?.error ?? answer?.verdict?.error ?? "No answer from lureguard.", { className: "error" }),
      el("p", url, { className: "small" }),
    );
    return;
  }
  render(answer);
}

main();
