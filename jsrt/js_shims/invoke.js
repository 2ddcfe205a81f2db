// jsrt invoke: calls the user's entry function and hands back its outcomes as one text.
// The returned value goes through JSON.stringify exactly as integrator.io keeps it:
// a Date becomes an ISO string and undefined fields vanish.
//
// The reply must be jsrt's whatever the hook does to the globals it shares with this
// file (JSON, Object, Array.prototype, Error.prepareStackTrace, getters and toJSON on
// what it returns or throws): every built-in used below is taken here, before any user
// code runs; what jsrt writes itself is built from null-prototype objects and arrays (no
// inherited toJSON or setter reaches it); and user code runs only inside a try whose
// failure becomes that record's outcome. jsrt/run/outcomes.py reads the text.
(function () {
  'use strict';
  const g = globalThis;
  const INTERNAL = 'jsrt:';
  const stringify = JSON.stringify, parse = JSON.parse;
  const apply = Reflect.apply, setPrototypeOf = Object.setPrototypeOf;
  const defineProperty = Object.defineProperty;
  const isArray = Array.isArray, keys = Object.keys, StringCtor = String, ErrorCtor = Error;
  const hasInstance = Function.prototype[Symbol.hasInstance];
  const startsWith = String.prototype.startsWith, repeat = String.prototype.repeat;
  const includes = String.prototype.includes, slice = String.prototype.slice;
  const captureStackTrace = Error.captureStackTrace, sameValue = Object.is;
  const console = g.__jsrt_console;  // the log store prelude.js left for this file alone
  delete g.__jsrt_console;

  // A null-prototype array: nothing the hook puts on Array.prototype (a toJSON, an index
  // setter) reaches it.
  const list = () => setPrototypeOf([], null);
  const append = (items, item) => { items[items.length] = item; };
  const text = (value) => { try { return StringCtor(value); } catch (e) { return '[unprintable value]'; } };
  const isError = (value) => { try { return apply(hasInstance, ErrorCtor, [value]); } catch (e) { return false; } };
  const read = (object, key) => { try { return object[key]; } catch (e) { return undefined; } };

  // Every Error records its frames (minus jsrt's own) when its stack is first formatted,
  // so a failure can name the user's file, line and column without parsing text.
  // The script's top level runs as a direct eval (Isolate.eval_scoped): its frame is
  // shown as node shows a module's, `at hook.js:2:1`, not as V8's `at eval (…)`.
  const topLevel = (f) => f.isEval() && f.getFunctionName() === 'eval';
  const where = (f) => (topLevel(f) ? `${text(f.getScriptNameOrSourceURL())}:${f.getLineNumber()}:${f.getColumnNumber()}` : text(f));
  Error.prepareStackTrace = (err, frames) => {
    const visible = list();
    for (let i = 0; i < frames.length; i++) {
      const f = frames[i];
      if (!apply(startsWith, text(f.getScriptNameOrSourceURL() || ''), [INTERNAL])) append(visible, f);
    }
    const found = list();
    for (let i = 0; i < visible.length; i++) {
      const f = visible[i];
      append(found, {
        __proto__: null,
        function: topLevel(f) ? null : f.getFunctionName(),
        file: f.getScriptNameOrSourceURL(),
        line: f.getLineNumber(),
        column: f.getColumnNumber(),
      });
    }
    try {
      defineProperty(err, '__jsrt_frames', { value: found, enumerable: false, configurable: true });
    } catch (e) { /* a frozen error keeps only its text stack */ }
    const name = read(err, 'name'), message = read(err, 'message');
    let out = `${text(name || 'Error')}${message ? ': ' + text(message) : ''}`;
    for (let i = 0; i < visible.length; i++) out += `\n    at ${where(visible[i])}`;
    return out;
  };

  // The loader writes `$thr=` in place of each `throw` keyword (as wide: jsrt/loader.py):
  // this setter records where the throw happened, then throws the value as `throw`
  // would. JavaScript cannot tell where a string or an object was thrown; describe()
  // uses the place when the value it is given is the one recorded.
  const callSites = (_, sites) => sites;
  let lastThrow = null;
  const throwPlace = (setter) => {
    const saved = Error.prepareStackTrace;
    const holder = { __proto__: null };
    let swapped = false;
    try {
      Error.prepareStackTrace = callSites;
      swapped = true;
      captureStackTrace(holder, setter);
      const site = holder.stack[0];
      // V8 places a setter's call at its `=`, four columns after the `throw` it replaced.
      return site ? {
        __proto__: null,
        function: topLevel(site) ? null : site.getFunctionName(),
        file: site.getScriptNameOrSourceURL(),
        line: site.getLineNumber(),
        column: site.getColumnNumber() - 4,
      } : null;
    } catch (e) {
      return null;
    } finally {
      try { if (swapped) Error.prepareStackTrace = saved; } catch (e) { /* made read-only */ }
    }
  };
  defineProperty(g, '$thr', {
    set: function recordThrow(value) {
      lastThrow = { __proto__: null, value, place: throwPlace(recordThrow) };
      throw value;
    },
    configurable: false, enumerable: false,
  });

  // A thrown value that is not an Error, as node shows an uncaught one: 'text', 42, null,
  // or an object's JSON (cut at 500 characters).
  const shown = (value) => {
    let out;
    try {
      if (typeof value === 'string') out = apply(includes, value, ["'"]) ? stringify(value) : `'${value}'`;
      else if (typeof value === 'function') out = `[Function: ${text(value.name) || '(anonymous)'}]`;
      else if (typeof value === 'object' && value !== null) out = stringify(value);
      if (typeof out !== 'string') out = text(value);
    } catch (e) {
      return 'a value that cannot be shown';
    }
    return out.length > 500 ? `${apply(slice, out, [0, 500])}…` : out;
  };

  // Only the values JSON keeps, nested at most `depth` levels: an Error's own fields.
  const shallow = (value, depth) => {
    if (value === null || typeof value !== 'object') return true;
    if (depth <= 0) return false;
    const items = isArray(value) ? value : keys(value);
    for (let i = 0; i < items.length; i++) {
      if (!shallow(isArray(value) ? value[i] : value[items[i]], depth - 1)) return false;
    }
    return true;
  };

  // What was thrown, as data: never throws, whatever the value is (a Proxy whose traps
  // throw, a Symbol, an object whose toString or name getter throws).
  const describe = (thrown, maxDepth) => {
    if (isError(thrown)) {
      let props = null;
      try {
        const own = parse(stringify(thrown));
        props = shallow(own, maxDepth) ? own : null;
      } catch (e) { /* circular, or a getter that throws: skip */ }
      const stack = text(read(thrown, 'stack') || '');  // formats it: records __jsrt_frames
      const frames = read(thrown, '__jsrt_frames');
      return {
        __proto__: null,
        name: text(read(thrown, 'name') || 'Error'),
        message: text(read(thrown, 'message')),
        stack,
        frames: isArray(frames) ? frames : list(),
        props,
      };
    }
    const recorded = lastThrow !== null && sameValue(lastThrow.value, thrown) ? lastThrow.place : null;
    lastThrow = null;
    const frames = list();
    if (recorded) append(frames, recorded);
    return { __proto__: null, name: null, message: `Uncaught ${shown(thrown)}`, stack: '', frames, props: null };
  };

  // The description of the last value thrown through `$thr` (for one thrown by the
  // script's top level, which reaches Python as V8's report of an uncaught throw).
  defineProperty(g, '__jsrt_describe_last_throw', {
    value: () => stringify(describe(lastThrow === null ? undefined : lastThrow.value, propsDepth())),
    writable: false, configurable: false, enumerable: false,
  });

  // A failed record's head, without its logs: `error` is describe's (null-prototype) data.
  const failed = (stage, error) => `{"ok":false,"stage":"${stage}","error":${stringify(error)}`;
  const PROMISE = {
    __proto__: null, name: 'TypeError',
    message: 'the function returned a Promise; integrator.io calls hooks synchronously and keeps the value itself (remove async/await)',
    stack: '', frames: list(), props: null,
  };

  // One record: its head as JSON text without its closing brace and logs (jsrt's own
  // data, written from strings), and the returned value's JSON text (undefined when
  // there is none).
  const settle = (fn, input, maxDepth) => {
    let value;
    try {
      value = apply(fn, undefined, [input]);
    } catch (thrown) {
      return { __proto__: null, head: failed('call', describe(thrown, maxDepth)), json: undefined };
    }
    let json;
    try {
      if (value !== null && typeof value === 'object' && typeof value.then === 'function') {
        return { __proto__: null, head: failed('return', PROMISE), json: undefined };
      }
      json = stringify(value);
    } catch (thrown) {
      return { __proto__: null, head: failed('return', describe(thrown, maxDepth)), json: undefined };
    }
    return { __proto__: null, head: `{"ok":true,"returned":${json !== undefined}`, json };
  };

  let limits = null;
  // How deeply a thrown Error's own fields may nest: they sit two levels down in a head.
  const propsDepth = () => (limits === null ? 0 : limits.maxDepth - 2);
  Object.defineProperty(g, '__jsrt_begin', {
    // Called by jsrt before the script is evaluated: the run's log limits, how the
    // outcomes are wrapped (jsrt/run/outcomes.py), and the key __jsrt_leftovers asks for
    // (which user code never sees). Later calls change something only with that key.
    value: (maxLogLines, maxLogChars, depthPad, padFrom, maxDepth, key) => {
      if (limits !== null && key !== limits.key) return;
      limits = { __proto__: null, depthPad, padFrom, maxDepth, key };
      console.limit(maxLogLines, maxLogChars);
    },
    writable: false, configurable: false, enumerable: false,
  });

  Object.defineProperty(g, '__jsrt_leftovers', {
    // What a run that did not finish (stopped at its deadline, a load error) logged: a
    // JSON text {logs, counts: {logs_dropped, log_chars_dropped}}, for jsrt alone (its key).
    value: (key) => {
      if (limits === null || key !== limits.key) throw new ErrorCtor('__jsrt_leftovers is jsrt\'s');
      return `{"logs":${console.take()},"counts":${console.dropped()}}`;
    },
    writable: false, configurable: false, enumerable: false,
  });

  let invoked = false;
  Object.defineProperty(g, '__jsrt_invoke', {
    // Calls fn once per input; the inputs arrive as JSON text in the global
    // __jsrt_inputs, taken away before the hook runs. Returns (inside `depthPad` extra
    // arrays when it is `padFrom` characters long or more) one array of lines: per input its head {ok, returned?, stage?, error?,
    // logs} then its value's JSON (null when there is none), and last the log counts
    // {logs_dropped, log_chars_dropped}. No line holds a raw line break (JSON.stringify
    // escapes them), so each can be read alone; values are kept as V8 wrote them, so
    // Python parses every value exactly once.
    value: (name) => {
      if (invoked || limits === null) throw new ErrorCtor('__jsrt_invoke runs once per run, by jsrt');
      invoked = true;
      const inputs = parse(g.__jsrt_inputs);
      g.__jsrt_inputs = undefined;
      let fn;
      try { fn = g.__jsrt_script[name]; } catch (thrown) { fn = thrown; }
      let out = '[';
      for (let i = 0; i < inputs.length; i++) {
        const { head, json } = typeof fn === 'function'
          ? settle(fn, inputs[i], propsDepth())
          : { head: failed('call', describe(fn, propsDepth())), json: undefined };
        const logs = console.take();
        out += `${i ? '\n,' : ''}${head},"logs":${logs}}\n,${json === undefined ? 'null' : json}`;
      }
      out += `\n,${console.dropped()}]`;
      if (out.length < limits.padFrom) return out;
      return apply(repeat, '[', [limits.depthPad]) + out + apply(repeat, ']', [limits.depthPad]);
    },
    writable: false, configurable: false, enumerable: false,
  });
})();
