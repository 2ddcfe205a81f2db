// jsrt integrator-api: the module hook scripts import, built from the catalog.
// Python evaluates this file, then calls __jsrt_install_api(surface) with the catalog's
// {object: [method, ...]} table, so a method the catalog does not list does not exist.
// Every call crosses the synchronous bridge once and comes back with a value or a thrown
// Error carrying integrator.io's code, statusCode and errors envelope.
(function () {
  'use strict';
  const g = globalThis;
  const bridge = g.__jsrt_bridge;

  const enumerable = (target, name, value) =>
    Object.defineProperty(target, name, { value, enumerable: true, writable: true, configurable: true });

  const toError = (failure) => {
    const err = new Error(failure.message);
    if (failure.name) enumerable(err, 'name', failure.name);
    // Own enumerable fields, so that JSON.stringify(e) shows what failed, as scripts log it.
    enumerable(err, 'message', failure.message);
    enumerable(err, 'code', failure.code);
    enumerable(err, 'statusCode', failure.statusCode);
    enumerable(err, 'errors', failure.errors);
    return err;
  };

  const call = (object, method, args) => {
    const reply = JSON.parse(bridge(JSON.stringify({ object, method, args })));
    if (!reply.ok) throw toError(reply.error);
    return reply.value;
  };

  Object.defineProperty(g, '__jsrt_install_api', {
    value: (surface) => {
      const api = {};
      for (const object of Object.keys(surface)) {
        const target = {};
        for (const method of surface[object]) {
          // A named function per method, so stack traces read "at exports.run".
          const fn = { [method](...args) { return call(object, method, args); } }[method];
          target[method] = fn;
        }
        api[object] = Object.freeze(target);
      }
      g.__jsrt_modules['integrator-api'] = Object.freeze(api);
    },
    writable: false, configurable: false, enumerable: false,
  });
})();
