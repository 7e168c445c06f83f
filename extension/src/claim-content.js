// Brand claims (the weaker signal; top frame only): on a page with a password field, hand what the
// page says about itself (title, main heading, form labels, site name) to the background, which
// judges it (claims.js). A claim gets a banner the page cannot style or remove: a closed shadow
// root in the top layer, put back if the page takes it away. Independent of guard.js: nothing
// typed is read here. A classic script: content scripts cannot be ES modules.
(() => {
  "use strict";

  const RECHECK_MS = 1000;
  const GIVE_UP_MS = 30000;
  const started = Date.now();
  let asked = "";
  let banner = null;
  let timer = null;

  function openRoots(root, out = [], depth = 0) {
    if (depth > 4 || out.length > 50) return out;
    for (const node of root.querySelectorAll("*")) {
      if (node.shadowRoot) {
        out.push(node.shadowRoot);
        openRoots(node.shadowRoot, out, depth + 1);
      }
    }
    return out;
  }

  function passwordField() {
    if (document.querySelector("input[type=password]")) return true;
    return openRoots(document).some((root) => root.querySelector("input[type=password]"));
  }

  const text = (node) => (node?.textContent ?? "").replace(/\s+/g, " ").trim().slice(0, 300);

  function texts() {
    const labels = [];
    for (const node of document.querySelectorAll("label, legend")) labels.push(text(node));
    for (const input of document.querySelectorAll("input[placeholder]")) labels.push(input.placeholder.slice(0, 300));
    // Logos (alt text of images that are not inside a link or button: a "Sign in with Google"
    // button carries Google's logo too, and must stay silent).
    const logos = [];
    for (const img of document.querySelectorAll("img[alt]")) {
      if (logos.length >= 5) break;
      if (!img.closest("a, button, [role=button]") && img.alt.trim()) logos.push(img.alt.trim().slice(0, 300));
    }
    const meta = (selector) => document.querySelector(selector)?.getAttribute("content") ?? "";
    return {
      title: document.title.slice(0, 300),
      heading: text(document.querySelector("h1")),
      siteName: meta('meta[property="og:site_name"]') || meta('meta[name="application-name"]'),
      logos,
      labels: labels.filter(Boolean).slice(0, 40),
    };
  }

  const BANNER_CSS = `
    :host { all: initial !important; }
    .bar { display: flex; gap: .8rem;
      align-items: center; padding: .7rem 1rem; background: #b54708; color: #fff;
      font: 600 15px/1.4 system-ui, sans-serif; box-shadow: 0 2px 10px rgba(0,0,0,.35); }
    .bar span { flex: 1; }
    button { font: inherit; font-weight: 500; background: #fff; color: #1d1d22; border: 0; border-radius: 6px;
      padding: .3rem .8rem; cursor: pointer; }`;
  const HOST_STYLE =
    "all: initial !important; display: block !important; position: fixed !important; inset: 0 0 auto 0 !important;" +
    " margin: 0 !important; padding: 0 !important; border: 0 !important; width: 100% !important;" +
    " height: auto !important; overflow: visible !important; background: transparent !important;" +
    " z-index: 2147483647 !important; opacity: 1 !important; visibility: visible !important;" +
    " transform: none !important; clip-path: none !important; pointer-events: auto !important;";

  function show(claim) {
    const host = document.createElement("lureguard-claim");
    host.setAttribute("style", HOST_STYLE);
    host.setAttribute("data-lureguard", "brand-claim");
    const root = host.attachShadow({ mode: "closed" });
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(BANNER_CSS);
    root.adoptedStyleSheets = [sheet];
    const bar = document.createElement("div");
    bar.className = "bar";
    bar.setAttribute("role", "alert");
    const message = document.createElement("span");
    message.textContent =
      `lureguard: this page presents itself as ${claim.name}'s sign-in, but ${location.hostname} is not ` +
      `a ${claim.name} site. Do not enter your ${claim.name} password here.`;
    const close = document.createElement("button");
    close.textContent = "I understand";
    bar.append(message, close);
    root.append(bar);
    const keep = () => {
      if (!host.isConnected) document.documentElement.append(host);
      if (host.getAttribute("style") !== HOST_STYLE) host.setAttribute("style", HOST_STYLE);
      try {
        if (host.popover && !host.matches(":popover-open")) host.showPopover();
      } catch {
        // not in the document yet
      }
    };
    const guard = new MutationObserver(keep);
    close.addEventListener("click", (event) => {
      if (!event.isTrusted) return; // only the person can dismiss it, never the page
      guard.disconnect();
      host.remove();
    });
    host.popover = "manual"; // the top layer: above anything the page stacks with z-index
    document.documentElement.append(host);
    keep();
    guard.observe(document.documentElement, { childList: true });
    guard.observe(host, { attributes: true });
    host.addEventListener("toggle", keep);
    return host;
  }

  async function look() {
    timer = null;
    if (banner || !passwordField()) return schedule();
    const found = texts();
    const key = JSON.stringify(found);
    if (key === asked) return schedule();
    asked = key;
    let answer;
    try {
      answer = await chrome.runtime.sendMessage({ type: "brand-claim", texts: found });
    } catch {
      return schedule();
    }
    if (answer?.ok && answer.claim) banner = show(answer.claim);
    else schedule();
  }

  // Sign-in forms often appear after load (single-page apps): look again for a while.
  function schedule() {
    if (banner || timer !== null || Date.now() - started > GIVE_UP_MS) return;
    timer = setTimeout(look, RECHECK_MS);
  }

  if (window.top === window) look();
})();
