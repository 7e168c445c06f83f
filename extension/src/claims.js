// Login pages that claim a protected brand on a site that is not the brand's: the weaker signal,
// with its own reason kind ("brand-claim") and event. It reads only what a page says about
// itself (title, main heading, form labels, site name) and shares no code with the password
// check in credentials.js: a page can always reword itself, so this never stops anything, it
// marks the page (badge, banner) before anything is typed.

export const REASON_KIND = "brand-claim";

const HIDDEN = /[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff]/g;
// Latin look-alikes from Cyrillic and Greek that kits use to dodge word matching ("Місrosoft").
const FOLD = new Map(
  Object.entries({
    а: "a", в: "b", е: "e", к: "k", м: "m", н: "h", о: "o", р: "p", с: "c", т: "t", у: "y", х: "x",
    і: "i", ј: "j", ѕ: "s", ԁ: "d", ԛ: "q", ԝ: "w", ɡ: "g", ο: "o", α: "a", ν: "v", ι: "i", κ: "k",
    ρ: "p", τ: "t", υ: "u", χ: "x", ϲ: "c",
  }),
);
// Another company's sign-in offered as a way in ("Sign in with Google", "Continue with Apple or
// Microsoft", "powered by Okta"): the names after it are no claim. "with your Microsoft account"
// stays one: that is how a copied sign-in page speaks, not how a button offers another's.
const NAME = String.raw`[\p{L}\p{N}.&'-]+(?:\s+(?:id|account|accounts|365|workspace|mail|sso|login|teams|calendar|drive))*`;
const DELEGATION = new RegExp(
  String.raw`(?<![\p{L}\p{N}])(?:with|using|via|through|by|par|mit|avec|con)\s+(?:an?\s+|the\s+)?${NAME}(?:\s*(?:,|and|or|&|/)\s*${NAME})*`,
  "giu",
);
const MAX_TEXT = 300;

function fold(text) {
  let out = "";
  for (const c of text) out += FOLD.get(c) ?? c;
  return out;
}

export function normalize(text) {
  return fold(String(text ?? "").normalize("NFKC").replace(HIDDEN, "").toLowerCase())
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, MAX_TEXT);
}

// A mixed-script name has to be folded the same way the page text is (Яндекс stays Яндекс in
// spirit: both sides fold alike).
function namePattern(name) {
  const body = normalize(name)
    .split(" ")
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join("\\s+");
  return new RegExp(`(?<![\\p{L}\\p{N}])${body}(?![\\p{L}\\p{N}])`, "u");
}

const under = (host, domain) => host === domain || host.endsWith(`.${domain}`);
const loginHost = (host, pattern) => (pattern.startsWith("*.") ? host.endsWith(pattern.slice(1)) : host === pattern);

function belongs(account, host) {
  return account.domains.some((d) => under(host, d)) || account.login_hosts.some((p) => loginHost(host, p));
}

// texts: { title, heading, siteName, logos: [...], labels: [...] } from the page (claim-content.js).
// Answers the first claim found, strongest place first, or null.
export function claimedBrand(texts, host, accounts) {
  const places = [
    ["site name", texts?.siteName],
    ["title", texts?.title],
    ["heading", texts?.heading],
    ...(Array.isArray(texts?.logos) ? texts.logos.slice(0, 5).map((alt) => ["logo", alt]) : []),
    ...(Array.isArray(texts?.labels) ? texts.labels.slice(0, 40).map((label) => ["form label", label]) : []),
  ];
  const cleaned = places
    .filter(([, text]) => typeof text === "string" && text.trim())
    .map(([where, text]) => [where, text.slice(0, MAX_TEXT), normalize(text).replace(DELEGATION, " ")]);
  for (const account of accounts) {
    if (!Array.isArray(account.claim_names) || belongs(account, host)) continue;
    const patterns = account.claim_names.map(namePattern);
    for (const [where, original, text] of cleaned) {
      if (patterns.some((pattern) => pattern.test(text))) {
        return { kind: account.kind, name: account.name, where, text: original, loginHost: account.login_hosts[0] ?? null };
      }
    }
  }
  return null;
}

// The reason the popup shows, shaped like a verdict's reasons.
export function claimReason(claim, host) {
  return {
    kind: REASON_KIND,
    rule_id: `brand-claim/${claim.kind}`,
    level: "warn",
    brand: claim.name,
    target: claim.loginHost,
    source: "lureguard credential guard",
    positions: [],
    detail: `the page's ${claim.where} claims ${claim.name} ("${claim.text}"), but ${host} is not one of ${claim.name}'s sites`,
  };
}
