// The only network code of the extension: calls to the local lureguard API, nowhere else.

import { loadSettings } from "./settings.js";

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
    throw new ApiError("unpaired", "No API token yet: paste the output of 'lureguard token' in the options.");
  }
  let response;
  try {
    response = await fetch(conf.apiBase + path, {
      method,
      headers: {
        Authorization: `Bearer ${conf.apiToken}`,
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store",
      credentials: "omit",
      redirect: "error",
    });
  } catch {
    throw new ApiError("unreachable", `lureguard is not running (nothing answers at ${conf.apiBase}).`);
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
