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

  // A property as an assignment makes it, without running a setter user code may have
  // put on Object.prototype.
  const own = (target, name, value) =>
    defineProperty(target, name, { value, writable: true, enumerable: true, configurable: true });

  // The module: an object per integrator-api object, a named function per method (so
  // stack traces read "at exports.run"). Indexed loops and captured built-ins only: it is
  // built when first imported, which a script may do after changing prototypes.
  const build = (surface) => {
    const api = {};
    const objects = keys(surface);
    for (let i = 0; i < objects.length; i++) {
      const object = objects[i];
      const methods = surface[object];
      const target = {};
      for (let j = 0; j < methods.length; j++) {
        const method = methods[j];
        const head = `{"object":${stringify(object)},"method":${stringify(method)},"args":`;
        own(target, method, { [method](...args) { return call(head, args); } }[method]);
      }
      own(api, object, freeze(target));
    }
    return freeze(api);
  };

  Object.defineProperty(g, '__jsrt_install_api', {
    // Registers the module, built on its first import: a script that imports nothing
    // from it (most transforms) does not pay for its sixty-odd functions in every fresh
    // isolate, and one that does finds it as before.
    value: (surface) => {
      const modules = g.__jsrt_modules;
      defineProperty(modules, 'integrator-api', {
        get: () => {
          const api = build(surface);
          own(modules, 'integrator-api', api);
          return api;
        },
        enumerable: true, configurable: true,
      });
    },
    writable: false, configurable: false, enumerable: false,
  });
})();
