// Host access. Firefox treats an MV3 extension's host permissions as the user's to grant and
// withdraw (about:addons → Permissions; before Firefox 127 they were not even granted at
// install), and Chrome's "site access" setting can withhold them too. Without them no content
// script runs (no link marks) and the proxy probe cannot read its answer, so nothing fails
// loudly: the popup and the options page say so, and the options page asks for them again
// (permissions.request needs a click on one of our own pages).

// Every origin the manifest asks for: host permissions and content-script matches.
export function wantedOrigins() {
  const manifest = chrome.runtime.getManifest();
  const scripts = (manifest.content_scripts ?? []).flatMap((entry) => entry.matches ?? []);
  return [...new Set([...(manifest.host_permissions ?? []), ...scripts])];
}

export async function missingOrigins() {
  const wanted = wantedOrigins();
  const granted = await Promise.all(wanted.map((origin) => chrome.permissions.contains({ origins: [origin] })));
  return wanted.filter((_, i) => !granted[i]);
}

// Call from a click handler only (the browser refuses a request without a user gesture).
export function requestAccess() {
  return chrome.permissions.request({ origins: wantedOrigins() });
}

export const ACCESS_TEXT =
  "lureguard is not allowed to read web pages in this browser, so it cannot mark dangerous links " +
  "or check whether the browser goes through lureguard's proxy.";
