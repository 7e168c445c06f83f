// The credential guard in the page (isolated world, every frame, from document start).
//
// On an official login host it learns: the passwords a person typed are handed to the background
// when the form is sent. Everywhere else it compares before anything leaves: values typed or
// pasted into password fields (open shadow DOM and same-origin frames included: every frame runs
// its own copy), and the last characters typed before Enter or a click, are hashed by the
// background and compared with the protected fingerprints. A match stops the page. Until the
// answer is known, the ways a login leaves are held: the submit event (here), and form.submit(),
// fetch, XMLHttpRequest and sendBeacon (guard-main.js, in the page's world, asks through a DOM
// event and gets only "go" or "stop").
//
// Only values from the person's own input (trusted events) or from the browser's autofill are
// ever checked, so a page cannot use the guard as an oracle for guesses it fills in itself. Nothing of a password is kept beyond the
// page's life, written anywhere or shown to the page. A classic script: content scripts cannot be
// ES modules.
(() => {
  "use strict";

  const REQUEST = "lureguard-credential-gate";
  const ANSWER = "lureguard-credential-gate-answer";
  const KEY_BUFFER = 256;
  const MAX_CHECKED = 64;

  let config = null; // { active, enrol, lengths: Set }
  let configAt = 0;
  let stopped = false;
  let keys = ""; // characters typed in this frame (trusted keydown), newest last
  let keysChecked = "";
  const typed = new Map(); // password field -> the value the person typed or pasted
  const everPassword = new WeakSet(); // fields that were type=password once ("show password")
  const pasted = [];
  const states = new Map(); // value -> "pending" | "clean" | "block"
  const results = new Map(); // value -> Promise<boolean> (true: blocked)
  const enrolled = new Set(); // values already handed over for learning on this page
  const released = new WeakSet(); // forms we submit again ourselves once judged clean

  function hello() {
    configAt = Date.now();
    const asked = chrome.runtime
      .sendMessage({ type: "credential-hello" })
      .then((answer) => answer?.ok ? answer : { active: false })
      .catch(() => ({ active: false }));
    return asked.then((answer) => {
      config = { active: Boolean(answer.active), enrol: Boolean(answer.enrol), lengths: new Set(answer.lengths ?? []) };
      // What was typed before the answer came is compared now.
      for (const value of [...typed.values(), ...pasted]) check(value);
      return config;
    });
  }
  // Asked only once the person types, pastes or uses a password field: most pages and frames
  // never need the background at all.
  let ready = null;
  const ensure = () => (ready ??= hello());

  const watching = () => config?.active && !config.enrol && config.lengths.size > 0;

  function isPasswordField(node) {
    if (!(node instanceof HTMLInputElement)) return false;
    if (node.type === "password") {
      everPassword.add(node);
      return true;
    }
    return everPassword.has(node);
  }

  // A value the browser's password manager filled in (never one a page script set): the page
  // cannot give a field the autofill state.
  function autofilled() {
    const out = [];
    for (const field of document.querySelectorAll("input[type=password]")) {
      let filled = false;
      try {
        filled = field.matches(":autofill");
      } catch {
        filled = field.matches(":-webkit-autofill");
      }
      if (filled && field.value) out.push(field.value);
    }
    return out;
  }

  // -- comparing --------------------------------------------------------------------------------

  function stop() {
    stopped = true;
    for (const field of typed.keys()) {
      try {
        field.value = "";
      } catch {
        // a field of a frame that is gone
      }
    }
    typed.clear();
    keys = "";
    pasted.length = 0;
  }

  function check(value) {
    if (!watching() || !config.lengths.has(value.length)) return Promise.resolve(false);
    let result = results.get(value);
    if (result) return result;
    if (results.size >= MAX_CHECKED) {
      const oldest = results.keys().next().value;
      results.delete(oldest);
      states.delete(oldest);
    }
    states.set(value, "pending");
    result = chrome.runtime
      .sendMessage({ type: "credential-check", values: [value] })
      .then((answer) => Boolean(answer?.ok && answer.block))
      .catch(() => false)
      .then((block) => {
        states.set(value, block ? "block" : "clean");
        if (block) stop();
        return block;
      });
    results.set(value, result);
    return result;
  }

  // Every value that could be a protected password leaving now.
  function candidates() {
    if (!watching()) return [];
    const out = new Set();
    for (const value of typed.values()) out.add(value);
    for (const value of pasted) out.add(value);
    for (const value of autofilled()) out.add(value);
    for (const length of config.lengths) if (keys.length >= length) out.add(keys.slice(-length));
    return [...out].filter((value) => config.lengths.has(value.length));
  }

  // "go", "stop" or "wait", without waiting.
  function now() {
    if (stopped) return "stop";
    if (!config) {
      if (!typed.size && !pasted.length && !keys && !autofilled().length) return "go";
      ensure();
      return "wait";
    }
    if (config.enrol) {
      learn();
      return "go";
    }
    let answer = "go";
    for (const value of candidates()) {
      const state = states.get(value);
      if (state === "block") return "stop";
      if (state !== "clean") {
        check(value);
        answer = "wait";
      }
    }
    return answer;
  }

  // true once every candidate is judged clean; false if any is protected here.
  async function judged() {
    await ensure();
    if (now() === "go") return true;
    const blocks = await Promise.all(candidates().map(check));
    return !stopped && !blocks.some(Boolean);
  }

  // -- learning on login hosts ------------------------------------------------------------------

  function learn() {
    if (!config?.enrol) return;
    const values = [...typed.values(), ...autofilled()].filter((value) => value && !enrolled.has(value));
    if (!values.length) return;
    for (const value of values) enrolled.add(value);
    chrome.runtime.sendMessage({ type: "credential-enrol", values }).catch(() => {});
  }

  // -- what the person does ---------------------------------------------------------------------

  const origin = (event) => event.composedPath()[0];

  function onInput(event) {
    if (!event.isTrusted) return;
    const field = origin(event);
    if (!isPasswordField(field)) return;
    ensure();
    if (field.value) typed.set(field, field.value);
    else typed.delete(field);
    if (field.value) check(field.value);
  }

  function onPaste(event) {
    if (!event.isTrusted || isPasswordField(origin(event))) return; // the input event follows
    const text = event.clipboardData?.getData("text/plain") ?? "";
    if (!text || text.length > 256) return;
    ensure();
    pasted.push(text, text.trim());
    if (pasted.length > 8) pasted.splice(0, pasted.length - 8);
    check(text);
    check(text.trim());
  }

  function checkKeys() {
    if (keys === keysChecked || !watching()) return;
    keysChecked = keys;
    for (const length of config.lengths) if (keys.length >= length) check(keys.slice(-length));
  }

  function onKeydown(event) {
    if (!event.isTrusted) return;
    ensure();
    if (event.key === "Enter") {
      checkKeys();
      if (config?.enrol && isPasswordField(origin(event))) learn();
      return;
    }
    if (event.key === "Backspace") keys = keys.slice(0, -1);
    else if (event.key.length === 1 && !event.ctrlKey && !event.metaKey) keys = (keys + event.key).slice(-KEY_BUFFER);
  }

  // The press that starts a click: the click may send a form or start a script's login.
  function onPointerdown(event) {
    if (!event.isTrusted) return;
    checkKeys();
    if (config?.enrol) learn();
  }

  function onFocusin(event) {
    // Learned meanwhile in another tab: ask again when a password field is about to be used.
    if (isPasswordField(origin(event)) && (!ready || Date.now() - configAt > 2000)) ready = hello();
  }

  // The submit event: hold it until the values are judged, then send the form again ourselves.
  function onSubmit(event) {
    const form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    if (released.has(form)) {
      released.delete(form);
      return;
    }
    const state = now();
    if (state === "go") return;
    event.preventDefault();
    event.stopImmediatePropagation();
    if (state === "stop") return;
    const submitter = event.submitter && event.submitter.form === form ? event.submitter : null;
    judged().then((clean) => {
      if (!clean || !form.isConnected) return;
      released.add(form);
      try {
        if (submitter) form.requestSubmit(submitter);
        else form.requestSubmit();
      } catch {
        released.delete(form);
      }
    });
  }

  // guard-main.js asks before form.submit(), fetch, XHR and sendBeacon; the answer is only a yes
  // or a no (the page could ask for itself: it learns nothing it did not type).
  function onGateRequest(event) {
    const id = event.detail;
    if (typeof id !== "string" || id.length > 40) return;
    const answer = (go) => document.dispatchEvent(new CustomEvent(ANSWER, { detail: `${go ? 1 : 0}:${id}` }));
    const state = now();
    if (state !== "wait") {
      answer(state === "go");
      return;
    }
    document.dispatchEvent(new CustomEvent(ANSWER, { detail: `2:${id}` }));
    judged().then(answer, () => answer(true));
  }

  window.addEventListener("input", onInput, true);
  window.addEventListener("paste", onPaste, true);
  window.addEventListener("keydown", onKeydown, true);
  window.addEventListener("pointerdown", onPointerdown, true);
  window.addEventListener("focusin", onFocusin, true);
  window.addEventListener("submit", onSubmit, true);
  document.addEventListener(REQUEST, onGateRequest, true);
})();
