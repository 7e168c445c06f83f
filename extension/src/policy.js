// From a verdict to what the extension does, the same way the proxy decides (policy.py): the
// global mode caps what a rule's severity asks for, a per-rule mode replaces it, and the
// strictest action over the reasons wins. Mode and overrides come from the API's status.

const RANK = { monitor: 0, warn: 1, block: 2 };
export const DURATIONS = { visit: 15 * 60, hour: 60 * 60, day: 24 * 60 * 60 };

// The proxy's policy from GET /api/v1/status ("api-only" when no proxy runs: the defaults).
export function policyFrom(status) {
  const mode = ["block", "warn", "monitor"].includes(status?.mode) ? status.mode : "warn";
  const ruleModes = status?.rule_modes && typeof status.rule_modes === "object" ? status.rule_modes : {};
  return { mode, ruleModes, allowBypass: status?.allow_bypass !== false };
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
