// Is this browser routed through lureguard's proxy? Fetch a name that never resolves in DNS
// (.invalid, RFC 2606): only a proxy can answer it, and only lureguard can answer with the
// HMAC of our nonce keyed with the API token. Anything else means "not proxied".

export const PROBE_URL = "http://lureguard.invalid/probe";
const CONTEXT = "lureguard-probe:";
const TIMEOUT_MS = 3000;

function randomNonce() {
  const bytes = crypto.getRandomValues(new Uint8Array(18));
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_");
}

async function hmacHex(key, message) {
  const encoder = new TextEncoder();
  const cryptoKey = await crypto.subtle.importKey(
    "raw",
    encoder.encode(key),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = await crypto.subtle.sign("HMAC", cryptoKey, encoder.encode(message));
  return [...new Uint8Array(mac)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

// true: lureguard's proxy answered with a valid proof; false: anything else.
export async function probeProxy(token) {
  if (!token) return false;
  const nonce = randomNonce();
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
  try {
    const response = await fetch(`${PROBE_URL}?nonce=${nonce}`, {
      cache: "no-store",
      credentials: "omit",
      redirect: "error",
      signal: controller.signal,
    });
    if (!response.ok) return false;
    const body = await response.json();
    return body?.service === "lureguard" && body.proof === (await hmacHex(token, CONTEXT + nonce));
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
