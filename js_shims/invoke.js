// jsrt invoke: calls the user's entry function and hands back one JSON text per run.
// The returned value goes through JSON.stringify exactly as integrator.io keeps it:
// a Date becomes an ISO string and undefined fields vanish.
(function () {
  'use strict';
  const g = globalThis;
  const INTERNAL = /^jsrt:/;

  // Every Error records its frames (minus jsrt's own) when its stack is first formatted,
  // so a failure can name the user's file, line and column without parsing text.
  Error.prepareStackTrace = (err, frames) => {
    const visible = frames.filter((f) => !INTERNAL.test(f.getScriptNameOrSourceURL() || ''));
    try {
      Object.defineProperty(err, '__jsrt_frames', {
        value: visible.map((f) => ({
          function: f.getFunctionName(),
          file: f.getScriptNameOrSourceURL(),
          line: f.getLineNumber(),
          column: f.getColumnNumber(),
        })),
        enumerable: false, configurable: true,
      });
    } catch (e) { /* a frozen error keeps only its text stack */ }
    const header = `${err.name || 'Error'}${err.message ? ': ' + err.message : ''}`;
    return [header, ...visible.map((f) => `    at ${f.toString()}`)].join('\n');
  };

  const describe = (thrown) => {
    if (thrown instanceof Error) {
      const stack = String(thrown.stack || '');
      let props = null;
      try { props = JSON.parse(JSON.stringify(thrown)); } catch (e) { /* circular: skip */ }
      return { name: thrown.name || 'Error', message: String(thrown.message), stack, frames: thrown.__jsrt_frames || [], props };
    }
    let text;
    try { text = typeof thrown === 'string' ? thrown : JSON.stringify(thrown); } catch (e) { text = String(thrown); }
    return { name: 'Error', message: `Uncaught ${text}`, stack: '', frames: [], props: null };
  };

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
