// Settings contract: `apiBase` and `apiToken` in chrome.storage.local, overridden by the same
// keys in chrome.storage.managed (set by IT through browser policy).

export const DEFAULT_API_BASE = "http://127.0.0.1:8081";
const KEYS = ["apiBase", "apiToken"];
const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

// The token must never leave the machine, so only loopback http bases are accepted.
export function checkApiBase(text) {
  let url;
  try {
    url = new URL(String(text).trim());
  } catch {
    throw new Error("The API address is not a URL (expected e.g. http://127.0.0.1:8081).");
  }
  if (url.protocol !== "http:" || !LOOPBACK.has(url.hostname)) {
    throw new Error("The API address must be http:// on 127.0.0.1, localhost or [::1].");
  }
  return url.origin;
}

async function managedValues() {
  try {
    return await chrome.storage.managed.get(KEYS);
  } catch {
    // Firefox rejects when no policy exists; Chrome returns {}.
    return {};
  }
}

function usable(values) {
  const out = {};
  for (const key of KEYS) {
    if (typeof values[key] === "string" && values[key].trim() !== "") out[key] = values[key].trim();
  }
  return out;
}

// Effective settings plus which keys IT has fixed (the options page shows them read-only).
export async function loadSettings() {
  const [local, managed] = await Promise.all([chrome.storage.local.get(KEYS), managedValues()]);
  const fixed = usable(managed);
  const merged = { apiBase: DEFAULT_API_BASE, apiToken: "", ...usable(local), ...fixed };
  let problem = null;
  try {
    merged.apiBase = checkApiBase(merged.apiBase);
  } catch (err) {
    problem = err.message;
  }
  return { ...merged, managedKeys: Object.keys(fixed), problem };
}

export async function saveSettings({ apiBase, apiToken }) {
  await chrome.storage.local.set({ apiBase: checkApiBase(apiBase), apiToken: apiToken.trim() });
}
