// Options: paste the token, test the connection. Keys fixed by IT (managed storage) are shown
// read-only.

import { ACCESS_TEXT, missingOrigins, requestAccess } from "./access.js";
import { status } from "./api.js";
import { loadSettings, saveSettings } from "./settings.js";

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

async function init() {
  const settings = await loadSettings();
  base.value = settings.apiBase;
  token.value = settings.apiToken;
  for (const key of settings.managedKeys) document.getElementById(key).disabled = true;
  document.getElementById("managed").hidden = settings.managedKeys.length === 0;
  if (settings.apiToken) test();
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
