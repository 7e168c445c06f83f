// Options: pair through the link `lureguard setup` opens, or paste the token; test the
// connection. Keys fixed by IT (managed storage) are shown read-only.

import { ACCESS_TEXT, missingOrigins, requestAccess } from "./access.js";
import { pair, status } from "./api.js";
import { checkApiBase, loadSettings, saveSettings } from "./settings.js";

const base = document.getElementById("apiBase");
const token = document.getElementById("apiToken");
const result = document.getElementById("result");

async function test() {
  result.textContent = "Testing…";
  try {
    const settings = await loadSettings();
    const info = await status(settings);
    const rules = info.ruleset ? `rules ${info.ruleset.ruleset_version}` : "rules not loaded yet";
    result.textContent = `Connected: lureguard ${info.version}, mode ${info.mode}, ${rules}.`;
  } catch (err) {
    result.textContent = `Not connected: ${err.message}`;
  }
}

// The pairing link: options.html#pair=<API address>&code=<one-time code>. Only the user (or
// `lureguard setup`) can open it: web pages cannot navigate to an extension page that is not
// web-accessible. The fragment is read once and wiped before anything else happens, and the
// settings change only when the API itself accepts the code and answers with the token.
// Returns null without a link, else whether it paired.
async function pairFromLink() {
  const params = new URLSearchParams(location.hash.slice(1));
  if (!params.has("pair")) return null;
  history.replaceState(null, "", location.pathname);
  result.textContent = "Pairing…";
  try {
    const apiBase = checkApiBase(params.get("pair"));
    const current = await loadSettings();
    if (current.managedKeys.length > 0) {
      throw new Error("your IT department sets the API address or token; nothing to pair here.");
    }
    const apiToken = await pair(apiBase, params.get("code") ?? "");
    await saveSettings({ apiBase, apiToken });
  } catch (err) {
    result.textContent = `Not paired: ${err.message}`;
    return false;
  }
  return true;
}

async function init() {
  const paired = await pairFromLink();
  const settings = await showFields();
  if (paired !== false && settings.apiToken) test();
}

// A pairing link opened where the options page already is only changes the fragment.
window.addEventListener("hashchange", () => {
  if (new URLSearchParams(location.hash.slice(1)).has("pair")) init();
});

async function showFields() {
  const settings = await loadSettings();
  base.value = settings.apiBase;
  token.value = settings.apiToken;
  for (const key of settings.managedKeys) document.getElementById(key).disabled = true;
  document.getElementById("managed").hidden = settings.managedKeys.length === 0;
  return settings;
}

document.getElementById("form").addEventListener("submit", async (event) => {
  event.preventDefault();
  try {
    await saveSettings({ apiBase: base.value, apiToken: token.value });
  } catch (err) {
    result.textContent = err.message;
    return;
  }
  test();
});

// Host access withdrawn (or never granted: Firefox before 127): ask again, on a click.
async function showAccess() {
  const missing = await missingOrigins();
  document.getElementById("access").hidden = missing.length === 0;
  document.getElementById("access-text").textContent = missing.length
    ? `${ACCESS_TEXT} Missing: ${missing.join(", ")}.`
    : "";
}

document.getElementById("grant").addEventListener("click", async () => {
  await requestAccess().catch(() => false);
  await showAccess();
});

init();
showAccess();
