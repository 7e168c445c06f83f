// The background owns all state and the only connection to the lureguard API; content scripts
// and the popup ask it through messages.

import * as api from "./api.js";
import { claimedBrand, claimReason } from "./claims.js";
import * as credentials from "./credentials.js";
import * as defence from "./defence.js";

const CACHE_LIMIT = 20000;
const CACHE_TTL_MS = 10 * 60 * 1000;
const cache = new Map(); // url -> { verdict, time }
const tabs = new Map(); // tabId -> { url, verdict, error, kind }
const claims = new Map(); // tabId -> { url, reason }: a page claiming a brand it is not (claims.js)

const BADGE = {
  allow: { text: "OK", color: "#2e7d32", title: "lureguard: this site is not a known lookalike" },
  warn: { text: "WARN", color: "#e65100", title: "lureguard: this site imitates another one" },
  block: { text: "STOP", color: "#c62828", title: "lureguard: this site is blocked" },
  unreachable: { text: "OFF", color: "#616161", title: "lureguard is not running" },
  unpaired: { text: "PAIR", color: "#616161", title: "lureguard: not paired (run `lureguard pair` and open its link)" },
  config: { text: "CONF", color: "#616161", title: "lureguard: the API address is not valid" },
  http: { text: "ERR", color: "#616161", title: "lureguard: the API refused the request" },
};

function remember(url, verdict) {
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value);
  cache.set(url, { verdict, time: Date.now() });
}

function cached(url) {
  const hit = cache.get(url);
  if (!hit) return undefined;
  if (Date.now() - hit.time > CACHE_TTL_MS) {
    cache.delete(url);
    return undefined;
  }
  return hit.verdict;
}

// Verdicts for many URLs, asking the API only for the ones not cached.
export async function lookup(urls) {
  const missing = [...new Set(urls.filter((url) => cached(url) === undefined))];
  if (missing.length) {
    const answers = await api.verdicts(missing);
    missing.forEach((url, i) => remember(url, answers[i]));
    defence.learn(missing, answers).catch(() => {});
  }
  return urls.map((url) => cached(url) ?? null);
}

function isWeb(url) {
  return typeof url === "string" && /^https?:\/\//i.test(url);
}

const CLAIM_BADGE = { text: "WARN", color: "#b54708" };

async function paint(tabId, state) {
  const claim = claims.get(tabId);
  if (claim && claim.url === state.url && state.verdict?.verdict !== "block") {
    // The weaker signal, said as such: the address itself is not flagged.
    state = { ...state, claimStyle: { ...CLAIM_BADGE, title: `lureguard: ${claim.reason.detail}` } };
  }
  const style = state.claimStyle ?? BADGE[state.verdict?.verdict ?? state.kind];
  try {
    await chrome.action.setBadgeText({ tabId, text: style ? style.text : "" });
    if (style) {
      await chrome.action.setBadgeBackgroundColor({ tabId, color: style.color });
      await chrome.action.setTitle({ tabId, title: style.title });
    } else {
      await chrome.action.setTitle({ tabId, title: "lureguard" });
    }
  } catch {
    // The tab closed meanwhile.
  }
}

async function checkTab(tabId, url) {
  if (!isWeb(url)) {
    tabs.delete(tabId);
    await paint(tabId, {});
    return null;
  }
  let state;
  try {
    const [verdict] = await lookup([url]);
    state = { url, verdict, error: verdict?.error ?? null, kind: null };
  } catch (err) {
    state = { url, verdict: null, error: err.message, kind: err.kind ?? "http" };
  }
  // A later navigation may have finished first: keep only the state of the current URL.
  const current = await chrome.tabs.get(tabId).catch(() => null);
  if (current && current.url !== url && isWeb(current.url)) return state;
  tabs.set(tabId, state);
  await paint(tabId, state);
  return state;
}

async function refreshAll() {
  cache.clear();
  defence.forget();
  for (const tab of await chrome.tabs.query({})) checkTab(tab.id, tab.url);
}

chrome.tabs.onUpdated.addListener((tabId, info, tab) => {
  if (info.url || info.status === "loading") checkTab(tabId, tab.url);
});
chrome.tabs.onRemoved.addListener((tabId) => {
  tabs.delete(tabId);
  claims.delete(tabId);
});
// The credential guard's own keys change as passwords are learned: no reason to re-check tabs.
const OWN_KEYS = new Set(["credentialGuard", "credentialAccounts", "credentialAlerts", "credentialPolicy"]);
chrome.storage.onChanged.addListener((changes, area) => {
  if (Object.keys(changes).every((key) => OWN_KEYS.has(key))) return;
  if (area !== "session") credentials.forgetAccounts().catch(() => {});
  refreshAll();
});
chrome.runtime.onStartup?.addListener(() => refreshAll());
chrome.runtime.onInstalled.addListener(() => refreshAll());

// The popup and options run at our own origin; content scripts report the page's URL.
const fromExtensionPage = (sender) =>
  sender.id === chrome.runtime.id && (sender.url ?? "").startsWith(chrome.runtime.getURL(""));

const handlers = {
  // From content scripts: verdicts for the links of a page.
  async verdicts(message) {
    if (!Array.isArray(message.urls) || message.urls.length > 5000) {
      throw new Error("verdicts needs at most 5000 urls");
    }
    return { verdicts: await lookup(message.urls.map(String)) };
  },
  // From the popup: the current state of a tab, checked again if unknown.
  async tab(message, sender) {
    if (!fromExtensionPage(sender)) throw new Error("not allowed");
    const tab = await chrome.tabs.get(message.tabId);
    const known = tabs.get(tab.id);
    const state = known && known.url === tab.url ? known : await checkTab(tab.id, tab.url);
    const guard = await defence.guard().catch(() => null);
    const claim = claims.get(tab.id);
    return {
      url: tab.url,
      state,
      guarding: guard ? guard.active : null,
      claim: claim && claim.url === tab.url ? claim.reason : null,
    };
  },
  async report(message, sender) {
    if (!fromExtensionPage(sender)) throw new Error("not allowed");
    const { url, rule_id: ruleId, verdict } = message;
    return await api.report({ url, rule_id: ruleId ?? null, verdict: verdict ?? null });
  },
  // From the extension's warning page (second line of defence, see defence.js).
  async warning(message, sender) {
    if (!fromExtensionPage(sender)) throw new Error("not allowed");
    return await defence.explain(String(message.url));
  },
  async proceed(message, sender) {
    if (!fromExtensionPage(sender)) throw new Error("not allowed");
    return await defence.proceed(String(message.url), String(message.duration));
  },
  // The credential guard (credentials.js). From guard.js in every frame:
  async "credential-hello"(message, sender) {
    return await credentials.hello(sender);
  },
  async "credential-enrol"(message, sender) {
    if (!sender.tab) throw new Error("not allowed");
    return await credentials.enrol(sender, message.values);
  },
  async "credential-check"(message, sender) {
    if (!sender.tab) throw new Error("not allowed");
    return await credentials.check(sender, message.values);
  },
  // From the credential warning page (reuse.html) and the options page:
  async "credential-alert"(message, sender) {
    if (!fromExtensionPage(sender)) throw new Error("not allowed");
    return await credentials.alert(String(message.id), lookup);
  },
  async "credential-exception"(message, sender) {
    if (!fromExtensionPage(sender)) throw new Error("not allowed");
    return await credentials.exception(String(message.id));
  },
  async "credential-overview"(message, sender) {
    if (!fromExtensionPage(sender)) throw new Error("not allowed");
    return await credentials.overview();
  },
  async "credential-forget"(message, sender) {
    if (!fromExtensionPage(sender)) throw new Error("not allowed");
    if (message.exception) return await credentials.forgetException(String(message.kind), String(message.host));
    return await credentials.forget(String(message.id));
  },
  async "credential-learning"(message, sender) {
    if (!fromExtensionPage(sender)) throw new Error("not allowed");
    return await credentials.setLearning(message.learn === true);
  },
  async "credential-protect"(message, sender) {
    if (!fromExtensionPage(sender)) throw new Error("not allowed");
    return await credentials.protect(String(message.kind), message.value);
  },
  // From claim-content.js (top frames): does this login page claim a brand it is not?
  async "brand-claim"(message, sender) {
    const tabId = sender.tab?.id;
    const url = sender.frameId === 0 ? credentials.senderOrigin(sender) : null;
    if (tabId === undefined || !url) throw new Error("not allowed");
    const current = await credentials.settings();
    if (!current.active) return { claim: null };
    const claim = claimedBrand(message.texts, url.hostname, await credentials.brandAccounts());
    if (!claim) return { claim: null };
    const reason = claimReason(claim, url.hostname);
    const before = claims.get(tabId);
    claims.set(tabId, { url: sender.tab.url, reason });
    const state = tabs.get(tabId) ?? { url: sender.tab.url };
    await paint(tabId, state);
    if (before?.url !== sender.tab.url) {
      api
        .call("/api/v1/credential-events", {
          method: "POST",
          body: { event: "brand-claim", host: url.hostname, url: `${url.origin}${url.pathname}`, account_kind: claim.kind, account_name: claim.name },
        })
        .catch(() => {});
    }
    return { claim: { name: claim.name, kind: claim.kind } };
  },
};

chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  const handler = Object.hasOwn(handlers, message?.type) ? handlers[message.type] : null;
  if (!handler || sender.id !== chrome.runtime.id) return false;
  handler(message, sender).then(
    (result) => sendResponse({ ok: true, ...result }),
    (err) => sendResponse({ ok: false, error: err.message, kind: err.kind ?? "http" }),
  );
  return true;
});

defence.start(lookup);
credentials.start();
// A worker restarted by the browser has lost its state: repaint what is open.
refreshAll();
