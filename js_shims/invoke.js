// jsrt invoke: calls the user's entry function and hands back one JSON text per run.
// The returned value goes through JSON.stringify exactly as integrator.io keeps it:
// a Date becomes an ISO string and undefined fields vanish.
(function () {
  'use strict';
  const g = globalThis;
  const INTERNAL = /^jsrt:/;

  // Every Error records its frames (minus jsrt's own) when its stack is first formatted,
  // so a failure can name the user's file, line and column without parsing text.
  // The script's top level runs as a direct eval (Isolate.eval_scoped): its frame is
  // shown as node shows a module's, `at hook.js:2:1`, not as V8's `at eval (…)`.
  const topLevel = (f) => f.isEval() && f.getFunctionName() === 'eval';
  Error.prepareStackTrace = (err, frames) => {
    const visible = frames.filter((f) => !INTERNAL.test(f.getScriptNameOrSourceURL() || ''));
    try {
      Object.defineProperty(err, '__jsrt_frames', {
        value: visible.map((f) => ({
          function: topLevel(f) ? null : f.getFunctionName(),
          file: f.getScriptNameOrSourceURL(),
          line: f.getLineNumber(),
          column: f.getColumnNumber(),
        })),
        enumerable: false, configurable: true,
      });
    } catch (e) { /* a frozen error keeps only its text stack */ }
    const header = `${err.name || 'Error'}${err.message ? ': ' + err.message : ''}`;
    const where = (f) => (topLevel(f) ? `${f.getScriptNameOrSourceURL()}:${f.getLineNumber()}:${f.getColumnNumber()}` : f.toString());
    return [header, ...visible.map((f) => `    at ${where(f)}`)].join('\n');
  };

  // The loader writes `$thr=` in place of each `throw` keyword (as wide: jsrt/loader.py):
  // this setter records where the throw happened, then throws the value as `throw`
  // would. JavaScript cannot tell where a string or an object was thrown; describe()
  // uses the place when the value it is given is the one recorded.
  const captureStackTrace = Error.captureStackTrace;
  const stringify = JSON.stringify;
  const sameValue = Object.is;
  const toText = String;
  const callSites = (_, sites) => sites;
  let lastThrow = null;
  const throwPlace = (setter) => {
    const saved = Error.prepareStackTrace;
    const holder = {};
    let swapped = false;
    try {
      Error.prepareStackTrace = callSites;
      swapped = true;
      captureStackTrace(holder, setter);
      const site = holder.stack[0];
      // V8 places a setter's call at its `=`, four columns after the `throw` it replaced.
      return site ? { function: topLevel(site) ? null : site.getFunctionName(), file: site.getScriptNameOrSourceURL(), line: site.getLineNumber(), column: site.getColumnNumber() - 4 } : null;
    } catch (e) {
      return null;
    } finally {
      try { if (swapped) Error.prepareStackTrace = saved; } catch (e) { /* made read-only */ }
    }
  };
  Object.defineProperty(g, '$thr', {
    set: function recordThrow(value) {
      lastThrow = { value, place: throwPlace(recordThrow) };
      throw value;
    },
    configurable: false, enumerable: false,
  });

  // A thrown value that is not an Error, as node shows an uncaught one: 'text', 42, null,
  // or an object's JSON (cut at 500 characters).
  const shown = (value) => {
    let text;
    try {
      if (typeof value === 'string') text = value.includes("'") ? stringify(value) : `'${value}'`;
      else if (typeof value === 'function') text = `[Function: ${value.name || '(anonymous)'}]`;
      else if (typeof value === 'object' && value !== null) text = stringify(value);
      if (text === undefined) text = toText(value);
    } catch (e) {
      return 'a value that cannot be shown';
    }
    return text.length > 500 ? `${text.slice(0, 500)}…` : text;
  };

  const describe = (thrown) => {
    if (thrown instanceof Error) {
      const stack = String(thrown.stack || '');
      let props = null;
      try { props = JSON.parse(JSON.stringify(thrown)); } catch (e) { /* circular: skip */ }
      return { name: thrown.name || 'Error', message: String(thrown.message), stack, frames: thrown.__jsrt_frames || [], props };
    }
    const recorded = lastThrow !== null && sameValue(lastThrow.value, thrown) ? lastThrow.place : null;
    lastThrow = null;
    return { name: null, message: `Uncaught ${shown(thrown)}`, stack: '', frames: recorded ? [recorded] : [], props: null };
  };

  // The description of the last value thrown through `$thr` (for one thrown by the
  // script's top level, which reaches Python as V8's report of an uncaught throw).
  Object.defineProperty(g, '__jsrt_describe_last_throw', {
    value: () => stringify(describe(lastThrow === null ? undefined : lastThrow.value)),
    writable: false, configurable: false, enumerable: false,
  });

  const settle = (fn, input) => {
    let value;
    try {
      value = fn(input);
    } catch (thrown) {
      return { ok: false, stage: 'call', error: describe(thrown) };
    }
    if (value !== null && typeof value === 'object' && typeof value.then === 'function') {
      return { ok: false, stage: 'return', error: { name: 'TypeError', message: 'the function returned a Promise; integrator.io calls hooks synchronously and keeps the value itself (remove async/await)', stack: '', frames: [], props: null } };
    }
    let text;
    try {
      text = JSON.stringify(value);
    } catch (thrown) {
      return { ok: false, stage: 'return', error: describe(thrown) };
    }
    return text === undefined ? { ok: true } : { ok: true, json: text };
  };

  Object.defineProperty(g, '__jsrt_invoke', {
    // Calls fn once per input; the inputs arrive as JSON text in the global
    // __jsrt_inputs, taken away before the hook runs. Returns a JSON array text, one
    // outcome per input, each {ok, value?, stage?, error?, logs}. Value texts are
    // spliced in unparsed so that Python parses every value exactly once.
    value: (name) => {
      const inputs = JSON.parse(g.__jsrt_inputs);
      delete g.__jsrt_inputs;
      const fn = g.__jsrt_script[name];
      const parts = [];
      for (const input of inputs) {
        const { json, ...outcome } = settle(fn, input);
        outcome.logs = g.__jsrt_take_logs();
        const head = JSON.stringify(outcome);
        parts.push(json === undefined ? head : `${head.slice(0, -1)},"value":${json}}`);
      }
      return `[${parts.join(',')}]`;
    },
    writable: false, configurable: false, enumerable: false,
  });
})();
