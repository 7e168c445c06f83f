// The credential guard's hooks in the page's own world (MV3 `world: "MAIN"`, document start, every
// frame): logins sent by script instead of a form. Before form.submit(), fetch(),
// XMLHttpRequest.send() and navigator.sendBeacon() go out, it asks the isolated content script
// (guard.js) through a DOM event and waits for "go" or "stop". It never sees a password, a
// fingerprint or a length: only that yes or no. A page that wants to get around it can (it runs
// here too); these hooks are for the login scripts of ordinary phishing kits, which do not try.
(() => {
  "use strict";

  const REQUEST = "lureguard-credential-gate";
  const ANSWER = "lureguard-credential-gate-answer";
  const waiting = new Map();
  let next = 0;
  const dispatch = EventTarget.prototype.dispatchEvent;
  const listen = EventTarget.prototype.addEventListener;

  // Answers are "1:id" (go), "0:id" (stop) or "2:id" (judging: wait for one of the others).
  listen.call(
    document,
    ANSWER,
    (event) => {
      const detail = typeof event.detail === "string" ? event.detail : "";
      const colon = detail.indexOf(":");
      const settle = waiting.get(detail.slice(colon + 1));
      if (settle) settle(detail.slice(0, colon));
    },
    true,
  );

  // Resolves true (send) or false (stopped). guard.js answers at once (from the same dispatch)
  // whenever it can; without any answer there is no guard in this frame, and the request goes.
  function gate() {
    const id = `${Date.now().toString(36)}-${(next++).toString(36)}`;
    let result = null;
    let acknowledged = false;
    let resolve = null;
    const answer = new Promise((r) => {
      resolve = r;
    });
    waiting.set(id, (code) => {
      if (code === "2") {
        acknowledged = true;
        return;
      }
      waiting.delete(id);
      result = code === "1";
      resolve(result);
    });
    dispatch.call(document, new CustomEvent(REQUEST, { detail: id }));
    if (result === null && !acknowledged) {
      waiting.delete(id);
      result = true;
      resolve(true);
    }
    answer.immediate = result; // true/false when known at once, null while judging
    return answer;
  }

  const stoppedError = () => new TypeError("Failed to fetch");

  const fetchOriginal = window.fetch;
  if (typeof fetchOriginal === "function") {
    window.fetch = function fetch(...args) {
      return gate().then((go) => (go ? fetchOriginal.apply(this, args) : Promise.reject(stoppedError())));
    };
  }

  const xhr = XMLHttpRequest.prototype;
  const openOriginal = xhr.open;
  const sendOriginal = xhr.send;
  const synchronous = new WeakSet();
  xhr.open = function open(...args) {
    if (args.length > 2 && args[2] === false) synchronous.add(this);
    else synchronous.delete(this);
    return openOriginal.apply(this, args);
  };
  xhr.send = function send(body) {
    if (synchronous.has(this)) {
      // A synchronous request cannot be held: it goes unless the answer is already "stop".
      if (gate().immediate === false) throw new DOMException("stopped by lureguard", "NetworkError");
      return sendOriginal.call(this, body);
    }
    gate().then((go) => {
      if (go) sendOriginal.call(this, body);
      else dispatch.call(this, new ProgressEvent("error"));
    });
  };

  const beaconOriginal = navigator.sendBeacon;
  if (typeof beaconOriginal === "function") {
    navigator.sendBeacon = function sendBeacon(...args) {
      gate().then((go) => go && beaconOriginal.apply(navigator, args));
      return true;
    };
  }

  const submitOriginal = HTMLFormElement.prototype.submit;
  HTMLFormElement.prototype.submit = function submit() {
    gate().then((go) => go && submitOriginal.call(this));
  };
})();
