// jsrt prelude: the globals a hook sees, made to match integrator.io's runtime.
// Evaluated first in every fresh isolate, under the name jsrt:prelude.js so that its
// frames are filtered out of the stacks users read.
(function () {
  'use strict';
  const g = globalThis;

  // integrator.io exposes no timers: mini-racer installs setTimeout/clearTimeout, so take
  // them away again (a call is then JavaScript's own ReferenceError).
  for (const name of ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', '__timer_manager']) {
    try { delete g[name]; } catch (e) { /* non-configurable: fall through */ }
    if (name in g) {
      Object.defineProperty(g, name, { value: undefined, writable: false, configurable: false, enumerable: false });
    }
  }

  // console: captured per run with level, text and time, formatted like Node's util.format.
  // The built-ins it uses are taken now, before user code can replace them, and a call
  // never throws (a value whose toString throws is shown as such). The run's limits
  // (`limit`, set by jsrt before the script runs) bound what is kept: past them a line
  // is counted, not formatted, and a line longer than the characters left is cut.
  const stringify = JSON.stringify, StringCtor = String, NumberCtor = Number;
  const apply = Reflect.apply;
  const DateCtor = Date, toISOString = Date.prototype.toISOString;
  const includes = String.prototype.includes, replace = String.prototype.replace;
  const slice = String.prototype.slice, trunc = Math.trunc, parseFloatFn = parseFloat;
  const ErrorCtor = Error, hasInstance = Function.prototype[Symbol.hasInstance];
  const SPEC = /%([sdifjoOc%])/g;
  const text = (value) => { try { return StringCtor(value); } catch (e) { return '[unprintable value]'; } };
  let logged = '';  // the entries since the last take, as JSON texts joined by commas
  let maxLines = Infinity, maxChars = Infinity, lines = 0, chars = 0, droppedLines = 0, droppedChars = 0;

  const inspect = (value) => {
    if (typeof value === 'string') return value;
    if (value === undefined) return 'undefined';
    if (typeof value === 'function') return `[Function: ${text(value.name) || 'anonymous'}]`;
    if (typeof value === 'symbol' || typeof value === 'bigint') return text(value);
    if (apply(hasInstance, ErrorCtor, [value])) return text(value.stack || `${text(value.name)}: ${text(value.message)}`);
    try {
      const json = stringify(value);
      return json === undefined ? text(value) : json;
    } catch (e) {
      return text(value);
    }
  };
  const join = (parts, from) => {
    let out = '';
    for (let i = from; i < parts.length; i++) out += (i > from ? ' ' : '') + inspect(parts[i]);
    return out;
  };
  const format = (args) => {
    if (args.length === 0) return '';
    if (typeof args[0] === 'string' && apply(includes, args[0], ['%'])) {
      let index = 1;
      const head = apply(replace, args[0], [SPEC, (match, spec) => {
        if (spec === '%') return '%';
        if (index >= args.length) return match;
        const arg = args[index++];
        switch (spec) {
          case 's': return typeof arg === 'string' ? arg : inspect(arg);
          case 'd': case 'i': {
            if (typeof arg === 'object' && arg !== null) return 'NaN';
            const n = NumberCtor(arg);
            return text(spec === 'i' ? trunc(n) : n);
          }
          case 'f': return text(parseFloatFn(arg));
          case 'j': try { return stringify(arg); } catch (e) { return '[Circular]'; }
          case 'c': return '';
          default: return inspect(arg);
        }
      }]);
      return index < args.length ? `${head} ${join(args, index)}` : head;
    }
    return join(args, 0);
  };
  const record = (level) => function (...args) {
    if (lines >= maxLines || chars >= maxChars) {
      droppedLines += 1;
      return;
    }
    let line;
    try { line = format(args); } catch (e) { line = undefined; }
    if (typeof line !== 'string') line = '[unprintable value]';
    if (chars + line.length > maxChars) {
      droppedChars += chars + line.length - maxChars;
      line = apply(slice, line, [0, maxChars - chars]);
    }
    lines += 1;
    chars += line.length;
    let time;
    try { time = apply(toISOString, new DateCtor(), []); } catch (e) { time = null; }
    // Kept as its JSON text: jsrt's own, written from strings (no toJSON reaches it).
    logged += `${logged ? ',' : ''}{"level":"${level}","text":${stringify(line)},"time":${time === null ? 'null' : `"${time}"`}}`;
  };
  const console = {
    log: record('log'),
    info: record('info'),
    warn: record('warn'),
    error: record('error'),
    debug: record('debug'),
    trace: record('debug'),
  };
  Object.defineProperty(g, 'console', { value: Object.freeze(console), writable: false, configurable: false, enumerable: false });

  // The log store, for jsrt:invoke.js alone (it takes this global away before user code
  // runs): `take` hands over the entries since the last take as a JSON array text,
  // `dropped` the counts of what the limits left out as a JSON object text.
  Object.defineProperty(g, '__jsrt_console', {
    value: Object.freeze({
      __proto__: null,
      limit: (maxLogLines, maxLogChars) => { maxLines = maxLogLines; maxChars = maxLogChars; },
      take: () => { const taken = `[${logged}]`; logged = ''; return taken; },
      dropped: () => `{"logs_dropped":${droppedLines},"log_chars_dropped":${droppedChars}}`,
    }),
    writable: false, configurable: true, enumerable: false,
  });

  // The inputs' JSON text, set by jsrt after the script is evaluated and read by
  // jsrt:invoke.js: a plain data property now, so that user code cannot make it an
  // accessor that sees or changes what jsrt writes there.
  Object.defineProperty(g, '__jsrt_inputs', { value: undefined, writable: true, configurable: false, enumerable: false });

  // Libraries the script may import register here (integrator-api, dayjs, sjcl).
  const modules = Object.create(null);
  Object.defineProperty(g, '__jsrt_modules', { value: modules, writable: false, configurable: false, enumerable: false });
  Object.defineProperty(g, '__jsrt_import', {
    value: (name) => {
      if (!(name in modules)) throw new Error(`Cannot find module '${name}'`);
      return modules[name];
    },
    writable: false, configurable: false, enumerable: false,
  });
})();
