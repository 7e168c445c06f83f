// The only network code of the extension: calls to the local lureguard API, nowhere else.

import { checkApiBase, loadSettings } from "./settings.js";

export const MAX_BATCH = 500;

// kind: "config" (bad settings), "unpaired" (no or wrong token), "unreachable" (not running),
// "http" (any other refusal).
export class ApiError extends Error {
  constructor(kind, message) {
    super(message);
    this.kind = kind;
  }
}

export async function call(path, { method = "GET", body, settings } = {}) {
  const conf = settings ?? (await loadSettings());
  if (conf.problem) throw new ApiError("config", conf.problem);
  if (!conf.apiToken) {
    throw new ApiError("unpaired", "No API token yet: run 'lureguard setup' and open the pairing link it prints.");
  }
  return send(conf.apiBase, path, { method, body, token: conf.apiToken });
}

// apiBase must have passed checkApiBase (loopback only): the token is sent to it.
async function send(apiBase, path, { method, body, token }) {
  let response;
  try {
    response = await fetch(apiBase + path, {
      method,
      headers: {
        ...(token === undefined ? {} : { Authorization: `Bearer ${token}` }),
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store",
      credentials: "omit",
      redirect: "error",
    });
  } catch {
    throw new ApiError("unreachable", `lureguard is not running (nothing answers at ${apiBase}).`);
  }
  let payload = null;
  try {
    payload = await response.json();
  } catch {
    payload = null;
  }
  if (!response.ok) {
    const message = payload?.error ?? `The lureguard API answered HTTP ${response.status}.`;
    throw new ApiError(response.status === 401 ? "unpaired" : "http", message);
  }
  return payload;
}

// Trade a one-time pairing code (from `lureguard setup`) for the API token; the code is the
// credential here, so no token is sent.
export async function pair(apiBase, code) {
  const answer = await send(checkApiBase(apiBase), "/api/v1/pair", { method: "POST", body: { code } });
  if (typeof answer?.token !== "string" || answer.token.length < 32) {
    throw new ApiError("http", "The lureguard API gave no usable token.");
  }
  return answer.token;
}

export const verdict = (url, settings) =>
  call(`/api/v1/verdict?url=${encodeURIComponent(url)}`, { settings });

export const status = (settings) => call("/api/v1/status", { settings });

export async function verdicts(urls) {
  const out = [];
  for (let i = 0; i < urls.length; i += MAX_BATCH) {
    const answer = await call("/api/v1/verdicts", {
      method: "POST",
      body: { urls: urls.slice(i, i + MAX_BATCH) },
    });
    out.push(...answer.verdicts);
  }
  return out;
}

export const report = (body) => call("/api/v1/reports", { method: "POST", body });

export const bypass = (body) => call("/api/v1/bypasses", { method: "POST", body });
