// jsrt integrator-api: the module hook scripts import, built from the catalog.
// Python evaluates this file, then calls __jsrt_install_api(surface) with the catalog's
// {object: [method, ...]} table, so a method the catalog does not list does not exist.
// Every call crosses the synchronous bridge once and comes back with a value or a thrown
// Error carrying integrator.io's code, statusCode and errors envelope.
(function () {
  'use strict';
  const g = globalThis;
  const bridge = g.__jsrt_bridge;
  // Taken before user code runs, so that a hook replacing them cannot change its calls.
  const stringify = JSON.stringify, parse = JSON.parse, defineProperty = Object.defineProperty;
  const ErrorCtor = Error, freeze = Object.freeze, keys = Object.keys;
  const setPrototypeOf = Object.setPrototypeOf;

  const enumerable = (target, name, value) =>
    defineProperty(target, name, { value, enumerable: true, writable: true, configurable: true });

  const toError = (failure) => {
    const err = new ErrorCtor(failure.message);
    if (failure.name) enumerable(err, 'name', failure.name);
    // Own enumerable fields, so that JSON.stringify(e) shows what failed, as scripts log it.
    enumerable(err, 'message', failure.message);
    enumerable(err, 'code', failure.code);
    enumerable(err, 'statusCode', failure.statusCode);
    enumerable(err, 'errors', failure.errors);
    return err;
  };

  // The request's text around the arguments is written once per method; the arguments
  // list is jsrt's, so a toJSON the hook puts on Array.prototype or Object.prototype does
  // not apply to it (the list then loses its prototype: slower, but only for such a hook).
  const call = (head, args) => {
    if (args.toJSON !== undefined) setPrototypeOf(args, null);
    const reply = parse(bridge(`${head}${stringify(args)}}`));
    if (!reply.ok) throw toError(reply.error);
    return reply.value;
  };

  Object.defineProperty(g, '__jsrt_install_api', {
    value: (surface) => {
      const api = {};
      for (const object of keys(surface)) {
        const target = {};
        for (const method of surface[object]) {
          // A named function per method, so stack traces read "at exports.run".
          const head = `{"object":${stringify(object)},"method":${stringify(method)},"args":`;
          const fn = { [method](...args) { return call(head, args); } }[method];
          target[method] = fn;
        }
        api[object] = freeze(target);
      }
      g.__jsrt_modules['integrator-api'] = freeze(api);
    },
    writable: false, configurable: false, enumerable: false,
  });
})();
