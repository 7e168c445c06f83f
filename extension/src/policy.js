// From a verdict to what the extension does, the same way the proxy decides (policy.py): the
// global mode caps what a rule's severity asks for, a per-rule mode replaces it, and the
// strictest action over the reasons wins. Mode and overrides come from the API's status.

const RANK = { monitor: 0, warn: 1, block: 2 };
export const DURATIONS = { visit: 15 * 60, hour: 60 * 60, day: 24 * 60 * 60 };
const LABELS = { visit: (length) => `this visit (${length})`, hour: () => "1 hour", day: () => "1 day" };

// The proxy's policy from GET /api/v1/status ("api-only" when no proxy runs: the defaults).
export function policyFrom(status) {
  const mode = ["block", "warn", "monitor"].includes(status?.mode) ? status.mode : "warn";
  const ruleModes = status?.rule_modes && typeof status.rule_modes === "object" ? status.rule_modes : {};
  const bypassMax = Number.isInteger(status?.bypass_max) && status.bypass_max > 0 ? status.bypass_max : 0;
  return { mode, ruleModes, allowBypass: status?.allow_bypass !== false, bypassMax };
}

// A length as a person says it, like the proxy's page: "15 min", "2 hours", "90 s".
export function spoken(seconds) {
  for (const [unit, name] of [
    [86400, "day"],
    [3600, "hour"],
  ]) {
    if (seconds % unit === 0) return `${seconds / unit} ${name}${seconds > unit ? "s" : ""}`;
  }
  return seconds % 60 === 0 ? `${seconds / 60} min` : `${seconds} s`;
}

// The bypass lengths offered under the policy's longest bypass (bypass.py `choices`): those
// that fit, or "this visit" shortened to the limit when none does.
export function bypassChoices(policy) {
  const limit = policy.bypassMax ?? 0;
  let fitting = Object.entries(DURATIONS).filter(([, seconds]) => !limit || seconds <= limit);
  if (!fitting.length) fitting = [["visit", limit]];
  return fitting.map(([key, seconds]) => ({ key, seconds, label: LABELS[key](spoken(seconds)) }));
}

// How long a chosen bypass lasts, never longer than the policy allows; null for an unknown one.
export function bypassSeconds(policy, duration) {
  const seconds = Object.hasOwn(DURATIONS, duration) ? DURATIONS[duration] : null;
  if (seconds === null) return null;
  return policy.bypassMax ? Math.min(seconds, policy.bypassMax) : seconds;
}

function reasonAction(policy, reason) {
  const mode = (reason && policy.ruleModes[reason.rule_id]) || policy.mode;
  if (mode === "monitor") return "monitor";
  if (mode === "block") return "block";
  return reason && reason.level === "block" ? "block" : "warn";
}

// "block", "warn", "monitor", or null for a verdict that is not flagged.
export function actionFor(policy, verdict) {
  if (verdict?.verdict !== "warn" && verdict?.verdict !== "block") return null;
  let best = null;
  for (const reason of verdict.reasons ?? []) {
    if (reason.level === "allow") continue;
    const step = reasonAction(policy, reason);
    if (best === null || RANK[step] > RANK[best]) best = step;
  }
  return best ?? reasonAction(policy, null);
}

export const canProceed = (policy, action) => action === "warn" && policy.allowBypass;
