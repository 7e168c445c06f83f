// The popup: why the current tab got its verdict, with a way to the real site and a way to
// report a false alarm. Works for ?tab=<id> too, so tests can open it in a normal tab.

import { ACCESS_TEXT, missingOrigins } from "./access.js";
import { compareNames, nameElement, realSiteUrl, visible } from "./explain.js";

const HEADLINES = {
  allow: "This site is not a known lookalike",
  warn: "This site imitates another one",
  block: "This site is blocked",
};

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = visible(text);
  if (className) node.className = className;
  return node;
}

async function currentTabId() {
  const param = new URLSearchParams(location.search).get("tab");
  if (param) return Number(param);
  const [tab] = await chrome.tabs.query({ active: true, currentWindow: true });
  return tab?.id;
}

function renderReason(main, verdict, reason) {
  const box = el("section", null, `reason ${reason.level}`);
  const { visited, visitedMarks, target, targetMarks } = compareNames(
    verdict.display_host ?? verdict.host,
    verdict.registered_domain,
    reason,
  );
  if (target.length) {
    const names = el("div", null, "names");
    names.append(
      el("span", "You are on", "label"),
      nameElement(visited, visitedMarks, "name visited"),
      el("span", "The real site", "label"),
      nameElement(target, targetMarks, "name real"),
    );
    box.append(names);
  }
  box.append(el("p", reason.detail));
  const who = reason.brand ? `${reason.brand} · ` : "";
  box.append(el("p", `${who}${reason.kind} · rule ${reason.rule_id}${reason.source ? ` · source: ${reason.source}` : ""}`, "meta"));
  main.append(box);
}

function renderActions(main, url, verdict) {
  const actions = el("div", null, "actions");
  const target = verdict.reasons.find((r) => r.target)?.target;
  const href = realSiteUrl(target);
  if (href) {
    const real = el("a", `Go to ${target}`, "button primary");
    real.href = href;
    real.target = "_blank";
    real.rel = "noopener noreferrer";
    actions.append(real);
  }
  const report = el("button", "Report a false alarm");
  report.id = "report";
  report.addEventListener("click", async () => {
    report.disabled = true;
    const first = verdict.reasons[0];
    const answer = await chrome.runtime.sendMessage({
      type: "report",
      url,
      rule_id: first?.rule_id ?? null,
      verdict: verdict.verdict,
    });
    report.textContent = answer?.ok ? "Reported, thank you" : `Not sent: ${answer?.error ?? "no answer"}`;
  });
  actions.append(report);
  main.append(actions);
}

async function render() {
  const header = document.getElementById("header");
  const main = document.getElementById("main");
  const tabId = await currentTabId();
  const answer = tabId === undefined ? null : await chrome.runtime.sendMessage({ type: "tab", tabId });
  main.replaceChildren();
  document.getElementById("address").textContent = visible(answer?.url ?? "");
  const state = answer?.state;
  if (!answer?.ok || !state) {
    document.getElementById("headline").textContent = "Nothing to check on this page";
    main.append(el("p", answer?.error ?? "lureguard checks http and https pages.", "note"));
    return;
  }
  const verdict = state.verdict;
  if (!verdict || !verdict.verdict) {
    const text = state.kind === "unreachable" ? "lureguard is not running" : "lureguard cannot check this page";
    document.getElementById("headline").textContent = text;
    main.append(el("p", state.error ?? verdict?.error ?? "", "note"));
    if (state.kind === "unpaired" || state.kind === "config") {
      const options = el("button", "Open the options");
      options.addEventListener("click", () => chrome.runtime.openOptionsPage());
      main.append(options);
    }
    return;
  }
  header.className = verdict.verdict;
  document.getElementById("headline").textContent = HEADLINES[verdict.verdict];
  if (answer.claim) {
    // The weaker signal (a page's own words), said as such, beside the address's own verdict.
    if (verdict.verdict === "allow") {
      header.className = "warn";
      document.getElementById("headline").textContent = `This page claims to be ${answer.claim.brand}`;
    }
    const box = el("section", null, "reason warn");
    box.id = "claim";
    box.append(el("p", answer.claim.detail));
    box.append(el("p", `${answer.claim.kind} · rule ${answer.claim.rule_id} · judged from the page's text, not its address`, "meta"));
    main.append(box);
  }
  document.getElementById("address").textContent = visible(verdict.display_host ?? verdict.host);
  if (answer.guarding !== null) {
    const how = answer.guarding
      ? "Guarded by this extension: the browser does not go through lureguard's proxy."
      : "Guarded by lureguard's proxy.";
    const note = el("p", how, "note");
    note.id = "protection";
    main.append(note);
  }
  const shown = verdict.reasons.filter((r) => r.kind !== "allowlisted");
  for (const reason of shown) renderReason(main, verdict, reason);
  if (verdict.verdict === "allow") {
    const allowed = verdict.reasons.find((r) => r.kind === "allowlisted");
    main.append(el("p", allowed ? allowed.detail : "No rule matches this site.", "note"));
    return;
  }
  renderActions(main, answer.url, verdict);
}

// Above whatever the verdict says: without host access the page's links were never checked.
async function warnAboutAccess() {
  if (!(await missingOrigins()).length) return;
  const box = el("div", null, "note access");
  box.id = "access";
  const options = el("button", "Allow access in the options");
  options.addEventListener("click", () => chrome.runtime.openOptionsPage());
  box.append(el("p", ACCESS_TEXT), options);
  document.getElementById("header").after(box);
}

// Which passwords the credential guard protects (the options page lists and forgets them).
async function showProtected() {
  const answer = await chrome.runtime.sendMessage({ type: "credential-overview" }).catch(() => null);
  if (!answer?.ok || !answer.active) return;
  const names = [...new Set(answer.entries.map((e) => e.name))];
  const footer = el("footer");
  const line = el("p", names.length ? `Protected passwords: ${names.join(", ")}` : "No password is protected yet", "note");
  line.id = "protected";
  // A button, not an `<a href="#">`: the popup's only links lead to real sites.
  const manage = el("button", "manage", "linklike");
  manage.addEventListener("click", () => chrome.runtime.openOptionsPage());
  line.append(" · ", manage);
  footer.append(line);
  document.body.append(footer);
}

render().finally(showProtected);
warnAboutAccess();
