// The transformation engine's core: the op dispatcher, definition errors, the bridge to
// the caller (T.ask), compiled JSONPath queries and the compile caches every op uses.
// Each later file adds its ops and helpers to the same namespace object, T.
(function () {
  'use strict';
  var modules = globalThis.__jsrt_modules;
  var bridge = globalThis.__jsrt_bridge;
  var JSONPath = modules['jsonpath-plus'].JSONPath;
  var hasOwn = Object.prototype.hasOwnProperty;

  var T = {
    ops: Object.create(null),
    Handlebars: modules.handlebars,
    moment: modules.moment,
    JSONPath: JSONPath,
  };
  Object.defineProperty(globalThis, '__jsrt_transform', { value: T });

  // A definition integrator.io would refuse: reported to Python as a TransformError.
  function DefinitionError(message, details) {
    this.message = message;
    this.details = details || {};
  }
  T.DefinitionError = DefinitionError;
  T.fail = function (message, details) {
    throw new DefinitionError(message, details);
  };

  // A record integrator.io would fail (a lookup with no match, a value of the wrong
  // type): that record's error, the other records go on.
  function RecordError(code, message) {
    this.code = code;
    this.message = message;
  }
  T.RecordError = RecordError;
  T.failRecord = function (code, message) {
    throw new RecordError(code, message);
  };
  // `apply` to each record; a RecordError becomes that record's `{errors}`, anything else
  // is the engine's own failure and fails the op.
  T.perRecord = function (records, apply) {
    var outcomes = new Array(records.length);
    for (var i = 0; i < records.length; i++) {
      try {
        outcomes[i] = { data: apply(records[i], i) };
      } catch (error) {
        if (!(error instanceof RecordError)) throw error;
        outcomes[i] = { errors: [{ code: error.code, message: error.message }] };
      }
    }
    return outcomes;
  };

  // A reply whose bulk is JSON text the caller passes on without parsing: the head, a
  // small JSON value, then a newline (which JSON.stringify never writes), then the body.
  function SplitReply(head, body) {
    this.head = head;
    this.body = body;
  }
  T.splitReply = function (head, body) {
    return new SplitReply(head, body);
  };

  // A JSON text given beside the request (a page of records), parsed by the op that
  // reads it, so that text which is not JSON is that op's error, not the dispatcher's.
  var givenText = null;
  T.parseGivenText = function (what) {
    var text = givenText;
    givenText = null;
    if (typeof text !== 'string') T.fail('no ' + what + ' were given', { code: 'invalid_request' });
    try {
      return JSON.parse(text);
    } catch (error) {
      T.fail('the ' + what + ' are not JSON: ' + error.message, { code: 'invalid_json', path: what });
    }
  };

  // One op per call: the request is JSON text, so is the reply.
  T.handle = function (text, given) {
    var request = JSON.parse(text);
    var op = T.ops[request.op];
    givenText = given === undefined ? null : given;
    try {
      if (!op) T.fail('unknown transformation op ' + JSON.stringify(request.op));
      var value = op(request);
      if (value instanceof SplitReply) return JSON.stringify({ ok: value.head }) + '\n' + value.body;
      return JSON.stringify({ ok: value });
    } catch (error) {
      if (error instanceof DefinitionError) {
        var reply = { message: error.message };
        for (var key in error.details) reply[key] = error.details[key];
        return JSON.stringify({ error: reply });
      }
      throw error;
    }
  };

  // Ask the caller (Python's LookupSource) something only it knows; synchronous.
  T.ask = function (kind, payload) {
    return JSON.parse(bridge(JSON.stringify({ kind: kind, payload: payload }))).answer;
  };

  // A cache of compiled definitions by key (usually the definition's JSON text), bounded
  // so a long-lived engine fed ever-new definitions does not grow without end.
  T.memo = function (limit) {
    var entries = new Map();
    return function (key, build) {
      var hit = entries.get(key);
      if (hit !== undefined) return hit;
      var made = build();
      if (entries.size >= limit) entries.delete(entries.keys().next().value);
      entries.set(key, made);
      return made;
    };
  };

  // A JSONPath query compiled once. `get(json)` is what integrator.io's extract reads:
  // the value at a definite path, or the array of matches of a path with wildcards,
  // filters or recursion; `all(json)` is always the array of matches. Paths are parsed by
  // jsonpath-plus; a definite path (names and indexes only) becomes a direct walk, any
  // other goes through jsonpath-plus's evaluator.
  var queries = T.memo(10000);
  T.query = function (path) {
    return queries(path, function () {
      var steps;
      try {
        steps = JSONPath.toPathArray(path).slice();
      } catch (error) {
        T.fail('invalid JSONPath ' + JSON.stringify(path) + ': ' + error.message, {
          code: 'invalid_jsonpath',
        });
      }
      if (steps[0] === '$') steps.shift();
      var definite = steps.every(function (step) {
        return typeof step === 'string' && !/^[*.@?(^~]|^\.\.|[*?()]/.test(step);
      });
      if (definite) {
        var walk = function (json) {
          var value = json;
          for (var i = 0; i < steps.length; i++) {
            if (value === null || typeof value !== 'object' || !hasOwn.call(value, steps[i])) {
              return undefined;
            }
            value = value[steps[i]];
          }
          return value;
        };
        return {
          definite: true,
          get: walk,
          all: function (json) {
            var value = walk(json);
            return value === undefined ? [] : [value];
          },
        };
      }
      var all = function (json) {
        if (json === null || typeof json !== 'object') return [];
        try {
          return JSONPath({ path: path, json: json, wrap: true, eval: 'safe' }) || [];
        } catch (error) {
          return T.fail('invalid JSONPath ' + JSON.stringify(path) + ': ' + error.message, {
            code: 'invalid_jsonpath',
          });
        }
      };
      return { definite: false, get: all, all: all };
    });
  };

  T.isPlainObject = function (value) {
    return value !== null && typeof value === 'object' && !Array.isArray(value);
  };
  T.hasOwn = function (object, key) {
    return object !== null && typeof object === 'object' && hasOwn.call(object, key);
  };
  // Empty as integrator.io's conditions and `discardIfEmpty` mean it.
  T.isEmpty = function (value) {
    return (
      value === undefined ||
      value === null ||
      value === '' ||
      (Array.isArray(value) && value.length === 0) ||
      (T.isPlainObject(value) && Object.keys(value).length === 0)
    );
  };

  T.ops.ping = function (request) {
    return { libraries: Object.keys(modules), echo: request.echo };
  };
  T.ops.query = function (request) {
    var query = T.query(request.path);
    return request.all ? query.all(request.json) : query.get(request.json);
  };
})();
