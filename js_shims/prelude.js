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
  const entries = [];
  const inspect = (value) => {
    if (typeof value === 'string') return value;
    if (value === undefined) return 'undefined';
    if (typeof value === 'function') return `[Function: ${value.name || 'anonymous'}]`;
    if (typeof value === 'symbol' || typeof value === 'bigint') return String(value);
    if (value instanceof Error) return value.stack || `${value.name}: ${value.message}`;
    try {
      const text = JSON.stringify(value);
      return text === undefined ? String(value) : text;
    } catch (e) {
      return String(value);
    }
  };
  const format = (args) => {
    if (args.length === 0) return '';
    let rest = args;
    let head = '';
    if (typeof args[0] === 'string' && args[0].includes('%')) {
      let index = 1;
      head = args[0].replace(/%([sdifjoOc%])/g, (match, spec) => {
        if (spec === '%') return '%';
        if (index >= args.length) return match;
        const arg = args[index++];
        switch (spec) {
          case 's': return typeof arg === 'string' ? arg : inspect(arg);
          case 'd': case 'i': {
            if (typeof arg === 'object' && arg !== null) return 'NaN';
            const n = Number(arg);
            return String(spec === 'i' ? Math.trunc(n) : n);
          }
          case 'f': return String(parseFloat(arg));
          case 'j': try { return JSON.stringify(arg); } catch (e) { return '[Circular]'; }
          case 'c': return '';
          default: return inspect(arg);
        }
      });
      rest = args.slice(index);
      return [head, ...rest.map(inspect)].join(' ');
    }
    return rest.map(inspect).join(' ');
  };
  const record = (level) => function (...args) {
    entries.push({ level, text: format(args), time: new Date().toISOString() });
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

  // Taken by jsrt:invoke.js with each result; not reachable under a user-friendly name.
  Object.defineProperty(g, '__jsrt_take_logs', {
    value: () => entries.splice(0, entries.length),
    writable: false, configurable: false, enumerable: false,
  });

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
