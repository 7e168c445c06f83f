// The credential guard's store and judge (background only; see docs/extension.md).
//
// A protected password is kept as a salted slow fingerprint: PBKDF2-SHA-256 (WebCrypto,
// ITERATIONS rounds, one random salt per installation) plus its length and the account kind it
// belongs to. The plaintext reaches this module only inside a runtime message from our own content
// script (or the options page), is hashed at once and never stored, logged or sent anywhere. The
// API hears only "credential reuse on HOST for ACCOUNT KIND".
//
// Learning (enrolment) happens only on an account's official login hosts over https: the brand
// accounts served by GET /api/v1/protected-logins and the organisation's SSO hosts from managed
// storage. A match anywhere outside the account's own sites stops the page (warning page
// reuse.html) before the form leaves.

import * as api from "./api.js";

export const ITERATIONS = 600000; // about 0.1 s per check on the project's CI machine
export const MIN_LENGTH = 8;
export const MAX_LENGTH = 128;
const PER_KIND = 5; // passwords kept per account kind (old ones stay protected for a while)
const ACCOUNTS_TTL_MS = 60 * 60 * 1000;
const CHECKS_PER_MINUTE = 60; // per tab: far above what a person types, bounds any probing
const STORE = "credentialGuard";
const ACCOUNTS = "credentialAccounts";
const ALERTS = "credentialAlerts";
const POLICY = "credentialPolicy";
const MANAGED_KEYS = [
  "credentialGuard",
  "learnPasswords",
  "requireSsoEnrolment",
  "allowSiteExceptions",
  "ssoHosts",
  "ssoAllowedHosts",
  "ssoName",
];

const encoder = new TextEncoder();
const budget = new Map(); // tabId -> { minute, used }
const recentAlarms = new Map(); // "tabId document" -> time of the last alarm
let accountsFetch = null;

// -- helpers ------------------------------------------------------------------------------------

const b64 = (buffer) => btoa(String.fromCharCode(...new Uint8Array(buffer)));
const unb64 = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
const randomId = () => b64(crypto.getRandomValues(new Uint8Array(12))).replace(/[+/=]/g, "");

function cleanHost(text) {
  return String(text ?? "").trim().toLowerCase().replace(/\.$/, "");
}

// `pattern`: "host.example" (that host) or "*.example" (any subdomain of example).
export function hostMatches(host, pattern) {
  const p = cleanHost(pattern);
  if (p.startsWith("*.")) return host.endsWith(p.slice(1));
  return host === p;
}

const under = (host, domain) => host === domain || host.endsWith(`.${domain}`);

// The address of the frame a message came from (its origin is what counts): sender.url, or for
// about:blank and srcdoc frames, which inherit their parent's origin, sender.origin (Chrome).
export function senderOrigin(sender) {
  const candidates = [sender.url, sender.origin, sender.tab?.url];
  for (const text of candidates) {
    if (!text || text === "null" || /^about:/.test(text)) continue;
    try {
      const url = new URL(text);
      if (url.protocol === "http:" || url.protocol === "https:") return url;
    } catch {
      // try the next one
    }
  }
  return null;
}

// -- settings: managed storage (IT) over the user's choice ---------------------------------------

// Managed storage can take seconds to answer the first time after the browser starts (about 5 s
// in headless Chromium here): the policy last read answers meanwhile, kept in storage.local.
let policy = null;
let policyRead = null;

function readPolicy() {
  policyRead ??= chrome.storage.managed
    .get(MANAGED_KEYS)
    .catch(() => ({})) // Firefox rejects when there is no policy
    .then(async (values) => {
      policy = values ?? {};
      await chrome.storage.local.set({ [POLICY]: policy });
      return policy;
    });
  return policyRead;
}

async function managed() {
  if (policy) return policy;
  const reading = readPolicy();
  const { [POLICY]: last } = await chrome.storage.local.get(POLICY);
  if (!last) return reading; // the very first start: nothing to go on but waiting
  return Promise.race([reading, new Promise((resolve) => setTimeout(() => resolve(last), 300))]);
}

const hostList = (value) =>
  Array.isArray(value) ? value.filter((h) => typeof h === "string" && h.trim()).map(cleanHost) : [];

async function loadStore() {
  const { [STORE]: stored } = await chrome.storage.local.get(STORE);
  return {
    salt: stored?.salt ?? null,
    entries: Array.isArray(stored?.entries) ? stored.entries : [],
    exceptions: stored?.exceptions && typeof stored.exceptions === "object" ? stored.exceptions : {},
    learn: stored?.learn !== false,
  };
}

const saveStore = (store) => chrome.storage.local.set({ [STORE]: store });

// What applies now: the guard on or off, learning on or off (and who decided), exceptions allowed.
export async function settings() {
  const [policy, store] = await Promise.all([managed(), loadStore()]);
  return policyView(policy, store);
}

// IT's policy (managed storage) over the user's choices in `store`: a pure function.
export function policyView(policy, store) {
  const ssoHosts = hostList(policy.ssoHosts);
  const learnLocked = typeof policy.learnPasswords === "boolean";
  return {
    active: policy.credentialGuard !== false,
    learn: learnLocked ? policy.learnPasswords : store.learn,
    learnLocked,
    requireSso: policy.requireSsoEnrolment === true && ssoHosts.length > 0,
    allowExceptions: policy.allowSiteExceptions !== false,
    sso: ssoHosts.length
      ? {
          kind: "sso",
          name: typeof policy.ssoName === "string" && policy.ssoName.trim() ? policy.ssoName.trim() : "your organisation",
          login_hosts: ssoHosts,
          allowed: hostList(policy.ssoAllowedHosts),
          domains: [],
        }
      : null,
  };
}

// -- the accounts: from the API (rules), cached; the SSO account from policy ---------------------

async function fetchAccounts() {
  try {
    const answer = await api.call("/api/v1/protected-logins");
    if (Array.isArray(answer?.accounts)) {
      await chrome.storage.local.set({ [ACCOUNTS]: { at: Date.now(), accounts: answer.accounts } });
      return answer.accounts;
    }
  } catch {
    // lureguard is not running: keep what we had
  }
  return null;
}

// Brand accounts, refreshed hourly; the last list stays usable while the API is down.
export async function brandAccounts({ fresh = false } = {}) {
  const { [ACCOUNTS]: cached } = await chrome.storage.local.get(ACCOUNTS);
  const stale = !cached || fresh || Date.now() - cached.at > ACCOUNTS_TTL_MS;
  if (stale) {
    accountsFetch ??= fetchAccounts().finally(() => {
      accountsFetch = null;
    });
    const got = await accountsFetch;
    if (got) return got;
  }
  return cached?.accounts ?? [];
}

export function forgetAccounts() {
  return chrome.storage.local.remove(ACCOUNTS);
}

async function allAccounts(current) {
  const brands = await brandAccounts();
  return current.sso ? [current.sso, ...brands] : brands;
}

const isLoginHost = (account, host) => account.login_hosts.some((p) => hostMatches(host, p));

// The account whose password is learned on `url` (https only), or null.
function enrolmentAccount(accounts, url) {
  if (!url || url.protocol !== "https:") return null;
  return accounts.find((account) => isLoginHost(account, url.hostname)) ?? null;
}

// Where an account's password belongs: its login hosts, its brand's domains, the hosts IT allows
// for it, and the sites the user said are theirs too.
function owns(account, host, exceptions) {
  return (
    isLoginHost(account, host) ||
    account.domains.some((d) => under(host, d)) ||
    (account.allowed ?? []).some((p) => hostMatches(host, p)) ||
    (exceptions[account.kind] ?? []).includes(host)
  );
}

// -- fingerprints ---------------------------------------------------------------------------------

async function fingerprint(value, salt, iterations) {
  const key = await crypto.subtle.importKey("raw", encoder.encode(value), "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, key, 256);
  return b64(bits);
}

async function saltOf(store) {
  if (!store.salt) store.salt = b64(crypto.getRandomValues(new Uint8Array(16)));
  return unb64(store.salt);
}

const usable = (value) => typeof value === "string" && value.length >= MIN_LENGTH && value.length <= MAX_LENGTH;

async function remember(store, account, value, learnedOn) {
  const salt = await saltOf(store);
  const hash = await fingerprint(value, salt, ITERATIONS);
  const now = new Date().toISOString();
  const known = store.entries.find((e) => e.kind === account.kind && e.hash === hash);
  if (known) {
    known.at = now;
    return false;
  }
  store.entries.push({
    id: randomId(),
    kind: account.kind,
    name: account.name,
    length: value.length,
    hash,
    iterations: ITERATIONS,
    learnedOn,
    at: now,
  });
  const mine = store.entries.filter((e) => e.kind === account.kind).sort((a, b) => (a.at < b.at ? 1 : -1));
  const dropped = new Set(mine.slice(PER_KIND).map((e) => e.id));
  store.entries = store.entries.filter((e) => !dropped.has(e.id));
  return true;
}

// -- what content scripts ask --------------------------------------------------------------------

// A frame starts: should it watch password fields, learn them, or nothing? Only lengths leave
// the background (to spare hashing values that cannot match), never a fingerprint.
export async function hello(sender) {
  const current = await settings();
  const url = senderOrigin(sender);
  if (!current.active || !url) return { active: false };
  const accounts = await allAccounts(current);
  const account = enrolmentAccount(accounts, url);
  const learnHere = account && (account.kind === "sso" ? current.learn || current.requireSso : current.learn);
  if (account) return { active: true, enrol: Boolean(learnHere), lengths: [] };
  const store = await loadStore();
  return { active: true, enrol: false, lengths: [...new Set(store.entries.map((e) => e.length))] };
}

// Passwords submitted on an official login host: learn them for that host's account.
export async function enrol(sender, values) {
  const current = await settings();
  const url = senderOrigin(sender);
  if (!current.active || !Array.isArray(values)) return { learned: 0 };
  const account = enrolmentAccount(await allAccounts(current), url);
  if (!account) return { learned: 0 };
  if (!(account.kind === "sso" ? current.learn || current.requireSso : current.learn)) return { learned: 0 };
  const store = await loadStore();
  let learned = 0;
  for (const value of values.filter(usable).slice(0, 4)) {
    if (await remember(store, account, value, url.hostname)) learned++;
  }
  await saveStore(store);
  return { learned };
}

function spend(tabId) {
  const minute = Math.floor(Date.now() / 60000);
  const used = budget.get(tabId);
  if (!used || used.minute !== minute) {
    budget.set(tabId, { minute, used: 1 });
    return true;
  }
  used.used++;
  return used.used <= CHECKS_PER_MINUTE;
}

// Values typed, pasted or submitted on a page that is no login host: does any hold a protected
// password that does not belong here? A match stops the page (alarm) and answers block: true.
export async function check(sender, values) {
  const current = await settings();
  const url = senderOrigin(sender);
  if (!current.active || !url || !Array.isArray(values)) return { block: false };
  const accounts = await allAccounts(current);
  const host = url.hostname;
  if (accounts.some((account) => isLoginHost(account, host))) return { block: false };
  const store = await loadStore();
  if (!store.entries.length || !store.salt) return { block: false };
  const lengths = new Set(store.entries.map((e) => e.length));
  const salt = unb64(store.salt);
  const tabId = sender.tab?.id ?? -1;
  for (const value of [...new Set(values)].filter((v) => typeof v === "string" && lengths.has(v.length))) {
    if (!spend(tabId)) return { block: false, limited: true };
    const hashes = new Map(); // iterations -> fingerprint of this value
    const matches = [];
    for (const entry of store.entries.filter((e) => e.length === value.length)) {
      if (!hashes.has(entry.iterations)) hashes.set(entry.iterations, await fingerprint(value, salt, entry.iterations));
      if (hashes.get(entry.iterations) === entry.hash) matches.push(entry);
    }
    if (!matches.length) continue;
    const byKind = (entry) => accounts.find((a) => a.kind === entry.kind) ?? { kind: entry.kind, name: entry.name, login_hosts: [], domains: [] };
    // The same password protected for two accounts: fine on either one's own sites.
    if (matches.some((entry) => owns(byKind(entry), host, store.exceptions))) continue;
    await alarm(sender, url, byKind(matches[0]));
    return { block: true };
  }
  return { block: false };
}

// -- alarms, the warning page, exceptions ---------------------------------------------------------

const pageUrl = (url) => `${url.origin}${url.pathname}`;

async function alerts() {
  const { [ALERTS]: stored } = await chrome.storage.session.get(ALERTS);
  return stored ?? {};
}

async function alarm(sender, url, account) {
  const tabId = sender.tab?.id;
  if (tabId === undefined) return;
  // Two checks of one page (a typed and a pasted copy, two frames) may both match: one warning
  // per document (a page loaded again is a new document, and is warned about again).
  const key = `${tabId} ${sender.documentId ?? `${sender.frameId} ${url.href}`}`;
  const last = recentAlarms.get(key);
  if (last && Date.now() - last < 3000) return;
  recentAlarms.set(key, Date.now());
  const id = randomId();
  const all = await alerts();
  const ids = Object.keys(all);
  for (const old of ids.slice(0, Math.max(0, ids.length - 19))) delete all[old];
  all[id] = {
    host: url.hostname,
    url: pageUrl(url),
    tabUrl: sender.tab?.url ?? null,
    kind: account.kind,
    name: account.name,
    loginHost: account.login_hosts.find((h) => !h.startsWith("*.")) ?? null,
    at: Date.now(),
  };
  await chrome.storage.session.set({ [ALERTS]: all });
  await chrome.tabs.update(tabId, { url: chrome.runtime.getURL(`reuse.html?id=${id}`) }).catch(() => {});
  api
    .call("/api/v1/credential-events", {
      method: "POST",
      body: { event: "credential-reuse", host: url.hostname, url: pageUrl(url), account_kind: account.kind, account_name: account.name },
    })
    .catch(() => {}); // the page is stopped even when lureguard cannot log it
}

// What the warning page shows for alert `id` (never taken from its own address).
export async function alert(id, lookup) {
  const record = (await alerts())[id];
  if (!record) throw new Error("this warning has expired; go back and try again");
  const current = await settings();
  let verdict = null;
  try {
    [verdict] = await lookup([`https://${record.host}/`]);
  } catch {
    verdict = null; // lureguard is not running: the page still explains the password part
  }
  return { record, verdict, canException: current.allowExceptions };
}

// "This site is mine too": the password may be typed on this host from now on.
export async function exception(id) {
  const current = await settings();
  if (!current.allowExceptions) throw new Error("your IT department does not allow exceptions");
  const record = (await alerts())[id];
  if (!record) throw new Error("this warning has expired; go back and try again");
  const store = await loadStore();
  const hosts = new Set(store.exceptions[record.kind] ?? []);
  hosts.add(record.host);
  store.exceptions[record.kind] = [...hosts].slice(-200);
  await saveStore(store);
  api
    .call("/api/v1/credential-events", {
      method: "POST",
      body: { event: "credential-exception", host: record.host, url: record.url, account_kind: record.kind, account_name: record.name },
    })
    .catch(() => {});
  return { url: record.tabUrl ?? record.url };
}

// -- the options page ----------------------------------------------------------------------------

export async function overview() {
  const current = await settings();
  const store = await loadStore();
  const accounts = await allAccounts(current);
  return {
    active: current.active,
    learn: current.learn,
    learnLocked: current.learnLocked,
    requireSso: current.requireSso,
    allowExceptions: current.allowExceptions,
    sso: current.sso ? { name: current.sso.name, login_hosts: current.sso.login_hosts } : null,
    accounts: accounts.map((a) => ({ kind: a.kind, name: a.name, login_hosts: a.login_hosts })),
    // Never the fingerprint or the length: the page only lists and forgets.
    entries: store.entries.map(({ id, kind, name, learnedOn, at }) => ({
      id,
      kind,
      name,
      learnedOn,
      at,
      locked: kind === "sso" && current.requireSso,
    })),
    exceptions: store.exceptions,
  };
}

export async function forget(id) {
  const current = await settings();
  const store = await loadStore();
  const entry = store.entries.find((e) => e.id === id);
  if (!entry) return { forgotten: false };
  if (entry.kind === "sso" && current.requireSso) throw new Error("your IT department requires this password to stay protected");
  store.entries = store.entries.filter((e) => e.id !== id);
  await saveStore(store);
  return { forgotten: true };
}

export async function setLearning(learn) {
  const current = await settings();
  if (current.learnLocked) throw new Error("your IT department has set this");
  const store = await loadStore();
  store.learn = Boolean(learn);
  await saveStore(store);
  return { learn: store.learn };
}

export async function forgetException(kind, host) {
  const store = await loadStore();
  store.exceptions[kind] = (store.exceptions[kind] ?? []).filter((h) => h !== host);
  await saveStore(store);
  return { removed: true };
}

// "Protect this password" by hand (options page): for a known account kind.
export async function protect(kind, value) {
  const current = await settings();
  if (!current.active) throw new Error("the credential guard is turned off by your IT department");
  const account = (await allAccounts(current)).find((a) => a.kind === kind);
  if (!account) throw new Error("choose one of the listed accounts");
  if (!usable(value)) throw new Error(`a password of ${MIN_LENGTH} to ${MAX_LENGTH} characters`);
  const store = await loadStore();
  const added = await remember(store, account, value, "options page");
  await saveStore(store);
  return { added };
}

export function start() {
  readPolicy().catch(() => {});
  chrome.storage.onChanged.addListener((changes, area) => {
    if (area !== "managed") return;
    policy = null;
    policyRead = null;
    readPolicy().catch(() => {});
  });
  // Content scripts never need extension storage: hide it from them (Chrome; Firefox ignores).
  chrome.storage.local.setAccessLevel?.({ accessLevel: "TRUSTED_CONTEXTS" })?.catch?.(() => {});
  chrome.tabs.onRemoved.addListener((tabId) => {
    budget.delete(tabId);
    for (const key of recentAlarms.keys()) if (key.startsWith(`${tabId} `)) recentAlarms.delete(key);
  });
  brandAccounts().catch(() => {});
}
