// Second line of defence: when lureguard runs but this browser is not routed through its proxy
// (probe.js), the extension stops navigations to flagged sites itself and shows its own
// warning page (warning.html), with the proxy's policy and bypass rules.
//
// Two layers: webNavigation.onBeforeNavigate sends a top-level navigation to a flagged URL to
// the warning page (the request may already be on its way: the event does not wait for us),
// and hosts already known to be flagged (from earlier navigations or from the links scanned
// on a page) get a declarativeNetRequest session rule that blocks every request to them before
// it leaves the browser.

import * as api from "./api.js";
import { actionFor, bypassChoices, bypassSeconds, canProceed, policyFrom } from "./policy.js";
import { probeProxy } from "./probe.js";
import { loadSettings } from "./settings.js";

const PROBE_TTL_MS = 30 * 1000;
const MAX_RULES = 500; // regex rules are limited (1,000 for all dynamic and session rules)
const RESOURCE_TYPES = [
  "main_frame", "sub_frame", "stylesheet", "script", "image", "font", "object",
  "xmlhttprequest", "ping", "media", "websocket", "other",
];

let lookup = async () => [];
let state = null; // { active, policy, ruleset, at }
let probing = null;
let generation = 0; // bumped by forget(): a probe started before must not be cached
let ruleQueue = Promise.resolve();
const committed = new Map(); // tabId -> last web URL committed in its top frame
const started = new Map(); // tabId -> how many top-frame web navigations it has started

const isWeb = (url) => typeof url === "string" && /^https?:\/\//i.test(url);
const hostOf = (url) => new URL(url).hostname.toLowerCase().replace(/\.$/, "");

// A URL rule names one page, not the whole host: only host-wide verdicts become host rules.
const hostWide = (verdict) =>
  (verdict.reasons ?? []).filter((r) => r.level !== "allow").every((r) => r.kind !== "url-rule");

// Whether the extension must act (not proxied), and the proxy's policy; cached PROBE_TTL_MS.
export async function guard({ fresh = false } = {}) {
  if (!fresh && state && Date.now() - state.at < PROBE_TTL_MS) return state;
  probing ??= (async () => {
    const started = generation;
    try {
      const settings = await loadSettings();
      const [proxied, status] = await Promise.all([
        probeProxy(settings.apiToken),
        api.status(settings).catch(() => null),
      ]);
      const found = {
        active: !proxied && status !== null,
        policy: policyFrom(status),
        ruleset: status?.ruleset_version ?? status?.ruleset?.ruleset_version ?? "",
        at: Date.now(),
      };
      // Not cached while the API does not answer: it may be starting, or being paired.
      if (started === generation && status !== null) state = found;
      // Proxied: the proxy's page must show, not a blocked-request error. (When lureguard
      // stops, the rules stay: known-bad hosts remain blocked.)
      if (proxied) await clearRules();
      return found;
    } finally {
      if (started === generation) probing = null;
    }
  })();
  return probing;
}

export function forget() {
  state = null;
  probing = null;
  generation++;
}

// -- bypasses (chrome.storage.session: kept while the browser runs, like the proxy's) ----------

async function bypasses() {
  const { bypasses: stored } = await chrome.storage.session.get("bypasses");
  return stored ?? {};
}

export async function bypassUntil(host) {
  const until = (await bypasses())[host];
  return until && until > Date.now() ? until : null;
}

async function grant(host, seconds) {
  const all = await bypasses();
  const now = Date.now();
  for (const [name, until] of Object.entries(all)) if (until <= now) delete all[name];
  all[host] = Math.max(all[host] ?? 0, now + seconds * 1000);
  await chrome.storage.session.set({ bypasses: all });
  return all[host];
}

// -- declarativeNetRequest session rules, one per flagged host -------------------------------

function escapeRegex(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function serially(work) {
  ruleQueue = ruleQueue.then(work, work);
  return ruleQueue;
}

async function ruleHosts() {
  const { ruleHosts: stored } = await chrome.storage.session.get("ruleHosts");
  return stored ?? {}; // host -> rule id, in insertion order
}

// Never block loopback: lureguard's own API lives there, and nothing on it is a lookalike.
function isLoopback(host) {
  return /^(127(\.\d{1,3}){3}|\[?::1\]?|localhost)$/.test(host) || host.endsWith(".localhost");
}

function addRules(hosts) {
  return serially(async () => {
    const known = await ruleHosts();
    const fresh = [...new Set(hosts)].filter((host) => !(host in known) && !isLoopback(host));
    if (!fresh.length) return;
    const ids = Object.values(known);
    let next = ids.length ? Math.max(...ids) + 1 : 1;
    const add = fresh.map((host) => {
      known[host] = next;
      return {
        id: next++,
        priority: 1,
        action: { type: "block" },
        condition: {
          regexFilter: `^(https?|wss?)://${escapeRegex(host)}(:[0-9]+)?([/?#]|$)`,
          resourceTypes: RESOURCE_TYPES,
        },
      };
    });
    const names = Object.keys(known);
    const evicted = names.slice(0, Math.max(0, names.length - MAX_RULES));
    const removeRuleIds = evicted.map((host) => known[host]);
    for (const host of evicted) delete known[host];
    await chrome.declarativeNetRequest.updateSessionRules({
      addRules: add.filter((rule) => !removeRuleIds.includes(rule.id)),
      removeRuleIds,
    });
    await chrome.storage.session.set({ ruleHosts: known });
  });
}

function removeRule(host) {
  return serially(async () => {
    const known = await ruleHosts();
    if (!(host in known)) return;
    await chrome.declarativeNetRequest.updateSessionRules({ removeRuleIds: [known[host]] });
    delete known[host];
    await chrome.storage.session.set({ ruleHosts: known });
  });
}

function clearRules() {
  return serially(async () => {
    const rules = await chrome.declarativeNetRequest.getSessionRules();
    if (rules.length) {
      await chrome.declarativeNetRequest.updateSessionRules({ removeRuleIds: rules.map((r) => r.id) });
    }
    await chrome.storage.session.set({ ruleHosts: {} });
  });
}

// -- what the background calls -----------------------------------------------------------------

// The action for `url`'s verdict under the current policy, or null when nothing is to be done
// (allow, monitor, or a warn host with an active bypass).
// `bypass`: the host's bypass as it stood when the navigation started (read now if omitted).
async function decide(url, verdict, current, bypass) {
  const action = actionFor(current.policy, verdict);
  if (action !== "warn" && action !== "block") return null;
  const until = bypass === undefined ? await bypassUntil(hostOf(url)) : bypass;
  if (action === "warn" && until) return null;
  return action;
}

// Verdicts just fetched (navigations, scanned links): block their hosts ahead of any click.
export async function learn(urls, verdicts) {
  const flagged = [];
  urls.forEach((url, i) => {
    const verdict = verdicts[i];
    if (isWeb(url) && ["warn", "block"].includes(verdict?.verdict) && hostWide(verdict)) {
      flagged.push([url, verdict]);
    }
  });
  if (!flagged.length) return;
  const current = await guard();
  if (!current.active) return;
  const hosts = [];
  for (const [url, verdict] of flagged) {
    if (await decide(url, verdict, current)) hosts.push(hostOf(url));
  }
  if (hosts.length) await addRules(hosts);
}

// `back`: the page the user came from (the warning page links to it, like the proxy's page
// links to the Referer); history.back() would land on the blocked address again.
export function warningUrl(url, back) {
  const query = new URLSearchParams({ url });
  if (isWeb(back) && hostOf(back) !== hostOf(url)) query.set("back", back);
  return chrome.runtime.getURL(`warning.html?${query}`);
}

async function onBeforeNavigate({ tabId, frameId, url }) {
  if (frameId !== 0 || !isWeb(url)) return;
  // Read before any await: a blocked request commits its error page almost at once.
  const previous = committed.get(tabId);
  const serial = (started.get(tabId) ?? 0) + 1;
  started.set(tabId, serial);
  // A later navigation in the tab replaced this one while it was being judged: that one's own
  // judgement decides, and this one must not send the tab back (to its warning, or to it).
  const superseded = () => started.get(tabId) !== serial;
  // A bypass counts as it stood when the navigation started: one that runs out while a slow
  // judgement is pending must not send the page it let through to the warning afterwards.
  const bypass = await bypassUntil(hostOf(url));
  const hadRule = Object.hasOwn(await ruleHosts(), hostOf(url));
  const current = await guard();
  if (!current.active) {
    // The probe has just found the proxy and dropped the rules, but one of them may have stopped
    // this navigation already (Firefox then shows nothing at all, Chrome an error page): send it
    // again, for the proxy to judge and explain.
    if (hadRule && !Object.hasOwn(await ruleHosts(), hostOf(url)) && !superseded()) {
      await chrome.tabs.update(tabId, { url }).catch(() => {});
    }
    return;
  }
  let verdict;
  try {
    [verdict] = await lookup([url]);
  } catch {
    return; // lureguard stopped meanwhile: nothing to judge with
  }
  if (!(await decide(url, verdict, current, bypass)) || superseded()) return;
  await chrome.tabs.update(tabId, { url: warningUrl(url, previous) }).catch(() => {});
}

// What the warning page shows for `url`: judged again here, never taken from its address.
export async function explain(url) {
  if (!isWeb(url)) throw new Error("not a web address");
  const current = await guard();
  const [verdict] = await lookup([url]);
  const action = actionFor(current.policy, verdict);
  return {
    verdict,
    action,
    canProceed: canProceed(current.policy, action),
    choices: bypassChoices(current.policy),
    ruleset: current.ruleset,
    proxied: !current.active,
  };
}

// "Proceed anyway" from the warning page: only for warn verdicts, only when policy allows.
export async function proceed(url, duration) {
  const { verdict, action, canProceed: allowed } = await explain(url);
  if (!allowed) throw new Error("policy does not allow proceeding to this site");
  // Capped by the policy's longest bypass whatever the page asked for.
  const seconds = bypassSeconds((await guard()).policy, duration);
  if (!seconds) throw new Error("choose how long to proceed for");
  const host = hostOf(url);
  const until = await grant(host, seconds);
  await removeRule(host);
  const flagged = verdict.reasons.filter((r) => r.level !== "allow");
  await api
    .bypass({
      url: url.split(/[?#]/)[0].slice(0, 500),
      host,
      verdict: verdict.verdict,
      rule_id: flagged[0]?.rule_id ?? null,
      duration,
    })
    .catch(() => {}); // the bypass holds even if it could not be logged
  return { until, action };
}

export function start(lookupFn) {
  lookup = lookupFn;
  chrome.webNavigation.onBeforeNavigate.addListener((details) => {
    onBeforeNavigate(details).catch(() => {});
  });
  chrome.webNavigation.onCommitted.addListener(({ tabId, frameId, url }) => {
    if (frameId === 0 && isWeb(url)) committed.set(tabId, url);
  });
  chrome.tabs.onRemoved.addListener((tabId) => {
    committed.delete(tabId);
    started.delete(tabId);
  });
  guard({ fresh: true }).catch(() => {});
}
