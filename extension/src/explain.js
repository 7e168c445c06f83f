// Render a verdict the way the proxy's warning page does: the visited name and the real one
// side by side, the differing letters highlighted. DOM only, text only (no innerHTML).

const ALIGNED = new Set(["homoglyph", "idn-mixed-script", "typo", "bitsquat", "tld-swap"]);
// Bidi controls, invisible and control characters (as the proxy's page: `<U+202E>`).
const HIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cn}]/gu;

// Text as shown to the user: a bidi override or a zero-width character in an attacker's name
// would reorder or hide what the page says, so they appear as visible code points.
export function visible(text) {
  return String(text).replace(HIDDEN, (c) => `<U+${c.codePointAt(0).toString(16).toUpperCase().padStart(4, "0")}>`);
}

// "Go to the real site": `https://<target>/` only when the target is a plain host name
// (letters, digits, dots, hyphens), never a URL, a userinfo trick or another scheme.
export function realSiteUrl(target) {
  if (typeof target !== "string" || target.length > 253 || !/^[\p{L}\p{N}.-]+$/u.test(target)) return null;
  try {
    return new URL(`https://${target}/`).href;
  } catch {
    return null;
  }
}

// Offset of the registrable domain inside the Unicode host (reason.positions count from it).
export function registeredSpan(displayHost, registeredDomain) {
  if (!registeredDomain) return 0;
  const labels = displayHost.split(".");
  const count = registeredDomain.split(".").length;
  if (count > labels.length) return 0;
  return labels.slice(0, labels.length - count).reduce((sum, label) => sum + label.length + 1, 0);
}

// Indexes of characters of a and b outside their longest common subsequence.
function differing(a, b) {
  const A = [...a];
  const B = [...b];
  const table = Array.from({ length: A.length + 1 }, () => new Uint16Array(B.length + 1));
  for (let i = A.length - 1; i >= 0; i--) {
    for (let j = B.length - 1; j >= 0; j--) {
      table[i][j] = A[i] === B[j] ? table[i + 1][j + 1] + 1 : Math.max(table[i + 1][j], table[i][j + 1]);
    }
  }
  const inA = new Set(A.keys());
  const inB = new Set(B.keys());
  for (let i = 0, j = 0; i < A.length && j < B.length; ) {
    if (A[i] === B[j]) {
      inA.delete(i++);
      inB.delete(j++);
    } else if (table[i + 1][j] >= table[i][j + 1]) i++;
    else j++;
  }
  return [inA, inB];
}

// Marked character sets for the visited host and the reason's target.
export function compareNames(displayHost, registeredDomain, reason) {
  const visited = [...displayHost];
  if (!reason?.target) return { visited, visitedMarks: new Set(), target: [], targetMarks: new Set() };
  const target = [...reason.target];
  const start = registeredSpan(displayHost, registeredDomain);
  let visitedMarks = new Set();
  let targetMarks = new Set();
  if (ALIGNED.has(reason.kind) && reason.target.length <= 253 && visited.length <= 253) {
    const [a, b] = differing(visited.slice(start).join(""), reason.target);
    visitedMarks = new Set([...a].map((i) => i + start));
    targetMarks = b;
  }
  if (reason.positions?.length) {
    visitedMarks = new Set(reason.positions.map((p) => p + start).filter((p) => p < visited.length));
  }
  return { visited, visitedMarks, target, targetMarks };
}

export function nameElement(chars, marks, className) {
  const out = document.createElement("span");
  out.className = className;
  let run = "";
  let runMarked = false;
  const push = () => {
    if (!run) return;
    const part = document.createElement(runMarked ? "mark" : "span");
    part.textContent = visible(run);
    out.append(part);
    run = "";
  };
  chars.forEach((char, index) => {
    const marked = marks.has(index);
    if (marked !== runMarked) {
      push();
      runMarked = marked;
    }
    run += char;
  });
  push();
  return out;
}
