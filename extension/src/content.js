// Link scanning: asks the background for verdicts of every <a href> (and of link text that
// names a domain), marks flagged links, and stops clicks on them. A classic script, because
// content scripts cannot be ES modules; everything it shows is set with textContent.
(() => {
  "use strict";

  const CHUNK = 500;
  const RETRY_AFTER_MS = 30000;
  const MISMATCH_RULE = "lureguard/link-mismatch";
  // Link text that is a URL or a bare domain name: "https://microsoft.com/x", "www.paypal.com".
  const DOMAIN_TEXT = /^(?:https?:\/\/)?(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?\.)+[\p{L}]{2,63}\.?(?::\d{1,5})?(?:[/?#]\S*)?$/iu;

  // The same as explain.js (a content script cannot import it): hidden characters shown as
  // `<U+202E>`, and "the real site" linked only for a plain host name.
  const HIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cn}]/gu;
  const visible = (text) =>
    String(text).replace(HIDDEN, (c) => `<U+${c.codePointAt(0).toString(16).toUpperCase().padStart(4, "0")}>`);
  function realSiteUrl(target) {
    if (typeof target !== "string" || target.length > 253 || !/^[\p{L}\p{N}.-]+$/u.test(target)) return null;
    try {
      return new URL(`https://${target}/`).href;
    } catch {
      return null;
    }
  }

  const results = new Map(); // checked input -> verdict
  const state = new WeakMap(); // <a> -> { key, level, reasons, href, originalTitle }
  const bypassed = new WeakSet();
  let pending = new Set();
  let timer = null;
  let pausedUntil = 0;

  function textHost(anchor) {
    const text = anchor.textContent.trim();
    if (text.length < 4 || text.length > 2048 || !text.includes(".") || !DOMAIN_TEXT.test(text)) {
      return null;
    }
    try {
      return new URL(/^https?:\/\//i.test(text) ? text : `http://${text}`).hostname;
    } catch {
      return null;
    }
  }

  function describeLink(anchor) {
    const href = anchor instanceof HTMLAnchorElement ? anchor.href : "";
    if (!/^https?:\/\//i.test(href)) return null;
    return { href, shown: textHost(anchor) };
  }

  function queue(anchor) {
    pending.add(anchor);
    if (timer === null) timer = setTimeout(flush, 25);
  }

  function queueTree(node) {
    if (node.nodeType !== Node.ELEMENT_NODE) return;
    if (node.matches("a[href]")) queue(node);
    for (const anchor of node.querySelectorAll("a[href]")) queue(anchor);
  }

  async function ask(inputs) {
    const missing = [...new Set(inputs.filter((input) => !results.has(input)))];
    for (let i = 0; i < missing.length; i += CHUNK) {
      const chunk = missing.slice(i, i + CHUNK);
      const answer = await chrome.runtime.sendMessage({ type: "verdicts", urls: chunk });
      if (!answer?.ok) throw new Error(answer?.error ?? "no answer from the background");
      chunk.forEach((input, j) => results.set(input, answer.verdicts[j]));
    }
  }

  async function flush() {
    timer = null;
    if (Date.now() < pausedUntil) {
      timer = setTimeout(flush, pausedUntil - Date.now());
      return;
    }
    const batch = pending;
    pending = new Set();
    const links = [];
    for (const anchor of batch) {
      if (!anchor.isConnected) continue;
      const info = describeLink(anchor);
      if (info) links.push([anchor, info]);
      else unmark(anchor);
    }
    const inputs = [];
    for (const [, info] of links) {
      inputs.push(info.href);
      if (info.shown) inputs.push(info.shown);
    }
    try {
      await ask(inputs);
    } catch {
      // lureguard is not running or not paired: try these links again later.
      pausedUntil = Date.now() + RETRY_AFTER_MS;
      for (const anchor of batch) pending.add(anchor);
      if (timer === null) timer = setTimeout(flush, RETRY_AFTER_MS);
      return;
    }
    for (const [anchor, info] of links) apply(anchor, info);
  }

  function siteOf(verdict) {
    return verdict ? (verdict.registered_domain ?? verdict.host) : null;
  }

  function apply(anchor, info) {
    const verdict = results.get(info.href);
    let level = verdict?.verdict === "block" || verdict?.verdict === "warn" ? verdict.verdict : null;
    const reasons = level ? [...verdict.reasons] : [];
    const shown = info.shown ? siteOf(results.get(info.shown)) : null;
    // A link a mail filter wrapped (Safe Links, URL Defense) goes where the address inside goes.
    const real = verdict?.leads_to ?? siteOf(verdict);
    if (shown && real && shown !== real) {
      reasons.push({
        kind: "link-mismatch",
        rule_id: MISMATCH_RULE,
        level: "warn",
        brand: null,
        target: shown,
        source: "lureguard",
        positions: [],
        detail: `the link text shows ${shown} but the link goes to ${real}`,
      });
      level = level ?? "warn";
    }
    if (level) mark(anchor, { level, reasons, href: info.href, host: verdict?.display_host ?? real });
    else unmark(anchor);
  }

  function mark(anchor, details) {
    const old = state.get(anchor);
    const originalTitle = old ? old.originalTitle : anchor.getAttribute("title");
    state.set(anchor, { ...details, originalTitle });
    anchor.setAttribute("data-lureguard", details.level);
    const summary = details.reasons.map((r) => r.detail).join("; ");
    anchor.setAttribute("title", visible(`lureguard ${details.level === "block" ? "blocked" : "warning"}: ${summary}`));
  }

  function unmark(anchor) {
    const old = state.get(anchor);
    if (!old) return;
    state.delete(anchor);
    anchor.removeAttribute("data-lureguard");
    if (old.originalTitle === null) anchor.removeAttribute("title");
    else anchor.setAttribute("title", old.originalTitle);
  }

  // Clicks: `block` is stopped with an explanation, `warn` asks first.
  function onClick(event) {
    const anchor = event.target instanceof Element ? event.target.closest("a") : null;
    const details = anchor ? state.get(anchor) : undefined;
    if (!details || bypassed.has(anchor)) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    showDialog(anchor, details);
  }

  const DIALOG_CSS = `
    :host { all: initial; position: fixed; inset: 0; z-index: 2147483647; }
    .backdrop { position: fixed; inset: 0; background: rgba(0,0,0,.45); z-index: 2147483647;
      display: flex; align-items: center; justify-content: center; font: 15px/1.45 system-ui, sans-serif; }
    .box { background: #fff; color: #1b1b1b; max-width: 34rem; padding: 1.2rem 1.4rem; border-radius: 10px;
      box-shadow: 0 8px 30px rgba(0,0,0,.35); border-top: 6px solid #e65100; }
    .box.block { border-top-color: #c62828; }
    h2 { margin: 0 0 .5rem; font-size: 1.15rem; }
    .dest { font-family: ui-monospace, monospace; word-break: break-all; background: #f3f3f3; padding: .2rem .4rem; }
    ul { padding-left: 1.2rem; margin: .6rem 0; }
    .buttons { display: flex; gap: .6rem; justify-content: flex-end; margin-top: 1rem; }
    button { font: inherit; padding: .4rem .9rem; border-radius: 6px; border: 1px solid #888; background: #fff; cursor: pointer; }
    button.primary { background: #1b5e20; color: #fff; border-color: #1b5e20; }
    a { color: #0b57d0; }`;

  function element(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = visible(text);
    if (className) node.className = className;
    return node;
  }

  function showDialog(anchor, details) {
    document.querySelector("lureguard-dialog")?.remove();
    const host = document.createElement("lureguard-dialog");
    host.setAttribute("data-level", details.level);
    const root = host.attachShadow({ mode: "open" });
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(DIALOG_CSS);
    root.adoptedStyleSheets = [sheet];
    const backdrop = element("div", undefined, "backdrop");
    const box = element("div", undefined, `box ${details.level}`);
    box.setAttribute("role", "alertdialog");
    const blocked = details.level === "block";
    box.append(element("h2", blocked ? "lureguard stopped this link" : "This link may be a trick"));
    const dest = element("p", "It goes to ");
    dest.append(element("span", details.host ?? details.href, "dest"));
    box.append(dest);
    const list = element("ul");
    for (const reason of details.reasons) list.append(element("li", reason.detail));
    box.append(list);
    const target = details.reasons.find((r) => r.target && r.kind !== "link-mismatch")?.target;
    const href = realSiteUrl(target);
    if (href) {
      const real = element("p", "Did you mean ");
      const link = element("a", target);
      link.href = href;
      link.rel = "noopener noreferrer";
      real.append(link, document.createTextNode("?"));
      box.append(real);
    }
    const buttons = element("div", undefined, "buttons");
    const close = () => host.remove();
    if (blocked) {
      const ok = element("button", "Close", "primary");
      ok.addEventListener("click", close);
      buttons.append(ok);
    } else {
      const stay = element("button", "Stay here", "primary");
      stay.addEventListener("click", close);
      const go = element("button", "Open anyway");
      go.addEventListener("click", (event) => {
        if (!event.isTrusted) return;
        close();
        bypassed.add(anchor);
        anchor.click();
      });
      buttons.append(stay, go);
    }
    box.append(buttons);
    backdrop.append(box);
    backdrop.addEventListener("click", (event) => {
      if (event.target === backdrop) close();
    });
    root.append(backdrop);
    document.documentElement.append(host);
    root.querySelector("button.primary").focus();
  }

  window.addEventListener("click", onClick, true);
  window.addEventListener("auxclick", onClick, true);
  new MutationObserver((records) => {
    for (const record of records) {
      if (record.type === "attributes") queue(record.target);
      else for (const node of record.addedNodes) queueTree(node);
    }
  }).observe(document.documentElement, {
    subtree: true,
    childList: true,
    attributes: true,
    attributeFilter: ["href"],
  });
  queueTree(document.documentElement);
})();
