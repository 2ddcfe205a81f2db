// Mapper 2.0 (an import's `mappings[]` + `lookups[]`, and Transformation 2.0's
// `rulesTwoDotZero`): a definition is compiled once into closures, one per node, and a
// function written per level of the definition applies them record by record (its plain
// fields read inline: `levelFunction`); the `mapText` op (Mapper 2.0, 1.0 or none) and the
// `validateMapping` op (the UI's validation errors, with the offending node's path).
//
// Sources of the rules (facts only, nothing copied): celigo/ai
// skills/writing-mappings/SKILL.md and references/schemas/mappings.yml (the node
// fields, extract's three forms, the composite object, arrayarray, modes), the UI's
// src/utils/mapping/index.js in singh-gurkawalbir/demo (tree <-> mappings, validation,
// WRONG_SOURCE_DATA_TYPES_LIST), the QA fixtures in SubarnaCeligo/Backlog-Bugs
// testData/inputData/Mapper2.0 (TC_C47439: grouped `$[*]` sources and nested composite
// iteration; TC_C47443: row output).
(function (T) {
  'use strict';

  var hasOwn = Object.prototype.hasOwnProperty;
  var MakeFunction = Function; // taken at load: what `levelFunction` writes code with
  var DATA_TYPES = {
    string: 'primitive',
    number: 'primitive',
    boolean: 'primitive',
    object: 'object',
    stringarray: 'array',
    numberarray: 'array',
    booleanarray: 'array',
    objectarray: 'array',
    arrayarray: 'array',
  };
  var ELEMENT_TYPE = {
    stringarray: 'string',
    numberarray: 'number',
    booleanarray: 'boolean',
  };
  var CONDITIONS = { record_created: true, record_updated: true, extract_not_empty: true };

  function own(object, key) {
    return object !== null && typeof object === 'object' && hasOwn.call(object, key);
  }
  function describe(value) {
    if (value === undefined) return 'nothing';
    var text = JSON.stringify(value);
    return text.length > 60 ? text.slice(0, 57) + '...' : text;
  }
  function blank(value) {
    return value === undefined || value === null || value === '';
  }
  // Spread defines own properties (a `__proto__` key stays a key) and V8 clones a
  // JSON-parsed object's shape in one step.
  function shallowCopy(object) {
    return { ...object };
  }
  function isActive(node) {
    // The UI saves a node it cannot complete as Draft; integrator.io skips it.
    return T.isPlainObject(node) && node.status !== 'Draft';
  }
  function activeNodes(nodes) {
    return Array.isArray(nodes) ? nodes.filter(isActive) : [];
  }
  // A compiled JSONPath whose errors (jsonpath-plus finds some only when it evaluates
  // the path) name the node's field.
  function query(path, where) {
    var compiled = located(function () { return T.query(path); }, where);
    if (compiled.definite) return compiled;
    return {
      definite: false,
      get: function (json) { return located(function () { return compiled.get(json); }, where); },
      all: function (json) { return located(function () { return compiled.all(json); }, where); },
    };
  }
  function located(action, where) {
    try {
      return action();
    } catch (error) {
      if (error instanceof T.DefinitionError && error.details.path === undefined) {
        var details = { path: where };
        for (var key in error.details) if (key !== 'path') details[key] = error.details[key];
        T.fail(error.message + ' at ' + where, details);
      }
      throw error;
    }
  }
  function nodeName(node, where) {
    return node.generate ? JSON.stringify(node.generate) : where;
  }

  // ---- type conversion: the value's own JSON type decides, `dataType` the result ----
  // celigo/ai mappings.yml: string "converts other types to their string
  // representation", number "attempts conversion from strings", boolean "converts
  // truthy/falsy values". A value that cannot be converted fails its record (the other
  // records go on), as integrator.io reports a record's conversion error.
  function toStringValue(value) {
    if (value === undefined || value === null) return value;
    switch (typeof value) {
      case 'string':
        return value;
      case 'number':
      case 'boolean':
        return String(value);
    }
    if (Array.isArray(value)) {
      // A grouped source (`$[*].x`) of one row gives one value; several are joined
      // with commas, as JavaScript's String(array) does (documentation is silent).
      return value.length === 1 ? toStringValue(value[0]) : value.map(toStringValue).join(',');
    }
    return JSON.stringify(value);
  }
  function toNumberValue(value, name) {
    if (value === undefined || value === null) return value;
    if (typeof value === 'number') return value;
    if (typeof value === 'boolean') return value ? 1 : 0;
    if (typeof value === 'string') {
      var text = value.trim();
      if (text === '') return null;
      var number = Number(text);
      if (!isNaN(number)) return number;
    } else if (Array.isArray(value) && value.length === 1) {
      return toNumberValue(value[0], name);
    }
    return T.failRecord(
      'invalid_data_type',
      'Mapper 2.0: cannot convert ' + describe(value) + ' to a number for ' + name
    );
  }
  var TRUE_TEXT = { true: true, yes: true, y: true, '1': true, t: true };
  var FALSE_TEXT = { false: true, no: true, n: true, '0': true, f: true };
  function toBooleanValue(value, name) {
    if (value === undefined || value === null) return value;
    if (typeof value === 'boolean') return value;
    if (typeof value === 'number') return value !== 0;
    if (typeof value === 'string') {
      var text = value.trim().toLowerCase();
      if (text === '') return null;
      if (hasOwn.call(TRUE_TEXT, text)) return true;
      if (hasOwn.call(FALSE_TEXT, text)) return false;
    } else if (Array.isArray(value) && value.length === 1) {
      return toBooleanValue(value[0], name);
    }
    return T.failRecord(
      'invalid_data_type',
      'Mapper 2.0: cannot convert ' + describe(value) + ' to a boolean for ' + name
    );
  }
  function converter(dataType, name) {
    if (dataType === 'number') return function (v) { return toNumberValue(v, name); };
    if (dataType === 'boolean') return function (v) { return toBooleanValue(v, name); };
    if (dataType === 'string') return toStringValue;
    return function (v) { return v; };
  }

  // ---- dates: moment tokens, IANA zones through moment-timezone ----
  // A zone that is not an IANA name (real documents hold the UI's labels such as
  // "(GMT+05:30) Chennai, ...") converts nothing: QA TC_C47439 expects a date mapped
  // with such labels on both sides to keep its own offset.
  function zoneOf(name) {
    if (typeof name !== 'string' || name === '') return null;
    return T.moment.tz.zone(name) ? name : null;
  }
  function compileDate(node, name) {
    var inFormat = node.extractDateFormat || null;
    var outFormat = node.generateDateFormat || null;
    var inZone = zoneOf(node.extractDateTimezone);
    var outZone = zoneOf(node.generateDateTimezone);
    if (!inFormat && !outFormat && !inZone && !outZone) return null;
    var moment = T.moment;
    return function (value) {
      if (blank(value)) return value;
      var parsed;
      if (typeof value === 'number' && !inFormat) {
        parsed = inZone ? moment.tz(value, inZone) : moment.utc(value);
      } else {
        var text = String(value);
        var format = inFormat || moment.ISO_8601;
        // A text carrying its own offset keeps it; otherwise it is read in the
        // extract zone (UTC when none is given).
        parsed = inZone ? moment.tz(text, format, inZone) : moment.parseZone(text, format);
        if (parsed.isValid() && !inZone && parsed.utcOffset() === 0) parsed = parsed.utc();
      }
      if (!parsed.isValid()) {
        T.failRecord(
          'invalid_date',
          'Mapper 2.0: ' + describe(value) + ' is not a date in the format ' +
            (inFormat || 'ISO 8601') + ' for ' + name
        );
      }
      if (outZone) parsed = parsed.tz(outZone);
      return outFormat ? parsed.format(outFormat) : parsed.format();
    };
  }

  // ---- the source of a node: hardCodedValue, JSONPath, Handlebars or a literal ----
  // celigo/ai SKILL.md: extract starting with `$` is JSONPath from the root (always,
  // even in nested nodes), containing `{{` is Handlebars, anything else a literal.
  // Returns {get(run, root), all(run, root), definite} or null for no source.
  function compileSource(node, where, env) {
    if (own(node, 'hardCodedValue')) {
      var fixed = node.hardCodedValue;
      return {
        kind: 'hardCoded',
        definite: true,
        get: function () { return fixed; },
        all: function () { return fixed === undefined ? [] : [fixed]; },
      };
    }
    var extract = node.extract;
    if (typeof extract !== 'string' || extract === '') return null;
    if (extract.indexOf('{{') !== -1) {
      var template = located(function () { return T.template(extract, 'none'); }, where + '.extract');
      // The definition's lookups serve `{{lookup "name" value}}` in the template.
      var hasLookups = Array.isArray(env.definition.lookups) && env.definition.lookups.length > 0;
      var render = hasLookups
        ? function (run) {
          return template(run.templateContext(), { lookups: env.lookups(), record: run.record });
        }
        : function (run) { return template(run.templateContext()); };
      return {
        kind: 'handlebars',
        definite: true,
        get: render,
        all: function (run) { return [render(run)]; },
      };
    }
    if (extract.charAt(0) === '$') {
      var compiled = query(extract, where + '.extract');
      return {
        kind: 'jsonpath',
        definite: compiled.definite,
        get: (compiled.definite && shortWalk(extract)) || function (run, root) { return compiled.get(root); },
        all: function (run, root) { return compiled.all(root); },
      };
    }
    return {
      kind: 'literal',
      definite: true,
      get: function () { return extract; },
      all: function () { return [extract]; },
    };
  }
  // `$.a` and `$.a.b`, most of any mapping's paths, read without a loop: the same walk
  // as T.query's definite paths (own properties only), with the steps as constants.
  function shortWalk(path) {
    var steps = shortSteps(path);
    if (steps === null) return null;
    var a = steps[0];
    var b = steps[1];
    if (steps.length === 1) {
      return function (run, root) {
        return root !== null && typeof root === 'object' && hasOwn.call(root, a) ? root[a] : undefined;
      };
    }
    if (steps.length === 2) {
      return function (run, root) {
        if (root === null || typeof root !== 'object' || !hasOwn.call(root, a)) return undefined;
        var value = root[a];
        return value !== null && typeof value === 'object' && hasOwn.call(value, b) ? value[b] : undefined;
      };
    }
    return null;
  }
  // The names of a path of one or two plain names (`$.a`, `$.a.b`), or null.
  function shortSteps(path) {
    var steps = T.JSONPath.toPathArray(path).slice(1);
    var plain = steps.every(function (step) {
      return typeof step === 'string' && !/^[.@?(^~*]|^\.\.|[*?()]/.test(step);
    });
    return plain && steps.length >= 1 && steps.length <= 2 ? steps : null;
  }

  // What a source gives a single-valued node: a path with wildcards gives its matches;
  // one match is that value (a grouped source `$[*].x` of one row, QA TC_C47439).
  function single(source) {
    if (source.definite) return source.get;
    return function (run, root) {
      var matches = source.all(run, root);
      if (matches.length === 0) return undefined;
      return matches.length === 1 ? matches[0] : matches;
    };
  }

  function compileCondition(node, where) {
    var when = node.conditional && node.conditional.when;
    if (when === undefined || when === null || when === '') return null;
    if (!hasOwn.call(CONDITIONS, when)) {
      T.fail('unknown conditional.when ' + JSON.stringify(when) + ' at ' + where, {
        path: where + '.conditional.when',
        code: 'invalid_mapping',
        hint: 'use one of ' + Object.keys(CONDITIONS).join(', '),
      });
    }
    return when;
  }
  // record_created / record_updated: whether integrator.io is creating or updating the
  // destination record, which the caller says in context.operation ('create' when not
  // said: a record with no match in the destination is created).
  function operationGate(when) {
    if (when === 'record_created') return function (run) { return run.operation !== 'update'; };
    if (when === 'record_updated') return function (run) { return run.operation === 'update'; };
    return null;
  }

  // ---- nodes ----
  // Each compiled node is {key, produce(run, root, target)}: the value for `key` (a
  // literal key: a dot in `generate` is not nesting, SKILL.md gotcha 6), or undefined to
  // leave the key alone. `root` is what `$` means at this point: the input, or the
  // composite object inside an array's iteration. `target` is the object being built.
  function compileNode(node, where, env) {
    var dataType = node.dataType === undefined || node.dataType === '' ? 'string' : node.dataType;
    if (!hasOwn.call(DATA_TYPES, dataType)) {
      T.fail('unknown dataType ' + JSON.stringify(node.dataType) + ' at ' + where, {
        path: where + '.dataType',
        code: 'invalid_mapping',
        hint: 'use one of ' + Object.keys(DATA_TYPES).join(', '),
      });
    }
    var name = nodeName(node, where);
    var when = compileCondition(node, where);
    var produce;
    if (DATA_TYPES[dataType] === 'primitive') produce = compilePrimitive(node, dataType, where, name, env, when);
    else if (dataType === 'object') produce = compileObject(node, where, name, env, when);
    else produce = compileArray(node, dataType, where, name, env, when);
    var gate = operationGate(when);
    if (gate) {
      var ungated = produce;
      produce = function (run, root, target) {
        return gate(run) ? ungated(run, root, target) : undefined;
      };
    }
    return { key: typeof node.generate === 'string' ? node.generate : '', produce: produce };
  }

  function compileLookup(node, where, env) {
    if (node.lookupName === undefined || node.lookupName === null || node.lookupName === '') {
      return null;
    }
    var lookup = env.lookups().byName(node.lookupName);
    if (lookup === undefined) {
      T.fail('lookup ' + JSON.stringify(node.lookupName) + ' is not defined, at ' + where, {
        path: where + '.lookupName',
        code: 'unknown_lookup',
        hint: 'add it to the definition\'s lookups[]',
      });
    }
    return lookup;
  }

  function compilePrimitive(node, dataType, where, name, env, when) {
    var source = compileSource(node, where, env);
    var get = source ? single(source) : null;
    var date = compileDate(node, name);
    var lookup = compileLookup(node, where, env);
    var convert = converter(dataType, name);
    var hasDefault = own(node, 'default') && node.default !== undefined;
    var fallback = node.default;
    var notEmpty = when === 'extract_not_empty';
    if (get && !date && !lookup && !hasDefault && !notEmpty) {
      // The common field: a value read and converted; a value already of the dataType's
      // JSON type is kept without a call.
      var common = function (run, root) {
        var value = get(run, root);
        return typeof value === dataType ? value : convert(value);
      };
      var steps = source.kind === 'jsonpath' && source.definite ? shortSteps(node.extract) : null;
      if (steps !== null) common.inline = { steps: steps, dataType: dataType, convert: convert };
      return common;
    }
    return function (run, root) {
      var value = get ? get(run, root) : undefined;
      if (notEmpty && T.isEmpty(value)) return undefined;
      if (blank(value)) {
        // mappings.yml: default is the value when extract gives nothing; a lookup with
        // no extract (a dynamic lookup) is still asked.
        if (lookup && !get) value = env.lookups().apply(lookup, value, run.record, run.context);
        else if (hasDefault) return convert(fallback);
        return convert(value);
      }
      if (date) value = date(value);
      if (lookup) {
        value = env.lookups().apply(lookup, value, run.record, run.context);
        if (blank(value) && hasDefault) return convert(fallback);
      }
      return convert(value);
    };
  }

  // An object is built from its children, or copied from `extract` (the UI's "copy
  // source"); with both, the extracted object is the start and the children are applied
  // on it (mappings.yml: "extract is applied first"). In modify mode an object built
  // from children starts from the input's object at the same place.
  function compileObject(node, where, name, env, when) {
    var source = compileSource(node, where, env);
    if (source && (source.kind === 'handlebars' || source.kind === 'hardCoded')) {
      T.fail('an object can only be extracted with a JSONPath, at ' + where, {
        path: where,
        code: 'only_jsonpath_supported',
      });
    }
    var get = source ? single(source) : null;
    var fields = compileFields(node.mappings, where + '.mappings', env);
    var children = fields.length > 0 ? levelFunction(fields) : null;
    var key = node.generate;
    var notEmpty = when === 'extract_not_empty';
    var modify = env.mode === 'modify';
    var produce = function (run, root, target) {
      var base;
      if (get) {
        var value = get(run, root);
        if (notEmpty && T.isEmpty(value)) return undefined;
        if (T.isPlainObject(value)) {
          base = children ? shallowCopy(value) : value;
        } else if (value === undefined || value === null) {
          if (!children) return value;
          base = {};
        } else {
          return T.failRecord(
            'invalid_data_type',
            'Mapper 2.0: ' + name + ' is an object but its extract gave ' + describe(value)
          );
        }
      } else if (modify && target && T.isPlainObject(target[key])) {
        base = shallowCopy(target[key]);
      } else {
        base = {};
      }
      if (children) children(run, root, base);
      return base;
    };
    if (!get && !modify) produce.inline = { fields: fields }; // a new object, always
    return produce;
  }

  // Arrays: `hardCodedValue`, an `extract` alone (the source array as it is) or
  // `buildArrayHelper[]`, each entry adding elements (mappings.yml buildArrayHelper).
  function compileArray(node, dataType, where, name, env, when) {
    var elementConvert = converter(ELEMENT_TYPE[dataType], name);
    if (own(node, 'hardCodedValue')) {
      var fixed = node.hardCodedValue;
      return function () {
        if (fixed === null || fixed === undefined) return fixed;
        return (Array.isArray(fixed) ? fixed : [fixed]).map(elementConvert);
      };
    }
    var helpers = [];
    if (Array.isArray(node.buildArrayHelper)) {
      node.buildArrayHelper.forEach(function (entry, index) {
        var at = where + '.buildArrayHelper[' + index + ']';
        if (!T.isPlainObject(entry)) {
          T.fail('a buildArrayHelper entry must be an object, at ' + at, {
            path: at,
            code: 'invalid_mapping',
          });
        }
        helpers.push(compileHelper(entry, dataType, at, name, env, elementConvert));
      });
    } else {
      var source = compileSource(node, where, env);
      if (source) helpers.push(compileHelper(node, dataType, where, name, env, elementConvert, true));
    }
    var notEmpty = when === 'extract_not_empty';
    return function (run, root) {
      var out = [];
      for (var i = 0; i < helpers.length; i++) helpers[i](run, root, out);
      if (notEmpty && out.length === 0) return undefined;
      return out;
    };
  }

  function compileHelper(entry, dataType, where, name, env, elementConvert, sourceOnly) {
    var source = sourceOnly ? compileSource(entry, where, env) : compileHelperSource(entry, where, env);
    var children = null;
    var reads = null; // the keys of `$` the children read, when that is all they read
    if (!sourceOnly && Array.isArray(entry.mappings) && entry.mappings.length > 0) {
      if (dataType === 'arrayarray') {
        children = compileValues(entry.mappings, where + '.mappings', env);
      } else {
        var fields = compileFields(entry.mappings, where + '.mappings', env);
        children = fields.length > 0 ? levelFunction(fields) : function () {};
        reads = keysRead(fields);
      }
    }
    var notEmpty = compileCondition(entry, where) === 'extract_not_empty';
    var hasDefault = own(entry, 'default') && entry.default !== undefined;
    var fallback = entry.default;

    if (children && !source) {
      // Mappings only: one element built from the current root.
      if (dataType === 'arrayarray') {
        return function (run, root, out) { children(run, root, out); };
      }
      return function (run, root, out) {
        var element = {};
        children(run, root, element);
        out.push(element);
      };
    }
    if (!source) return function () {};

    if (children) {
      // Extract and mappings: iterate the matches, each seen through its composite
      // object (every array on the way replaced by the current element).
      var iterate = compileIteration(entry.extract, where, reads);
      if (dataType === 'arrayarray') {
        return function (run, root, out) {
          iterate(root, function (value, composite) {
            if (notEmpty && T.isEmpty(value)) return;
            children(run, composite, out);
          });
        };
      }
      return function (run, root, out) {
        iterate(root, function (value, composite) {
          if (notEmpty && T.isEmpty(value)) return;
          var element = {};
          children(run, composite, element);
          out.push(element);
        });
      };
    }

    // Extract only: the matched values. A definite path names the source array itself
    // (its elements are added); a path with wildcards gives the elements.
    var primitive = hasOwn.call(ELEMENT_TYPE, dataType);
    var flatten = primitive || dataType === 'objectarray' || source.definite;
    return function (run, root, out) {
      var matches = source.all(run, root);
      if (matches.length === 0 && hasDefault) {
        out.push(elementConvert(fallback));
        return;
      }
      for (var i = 0; i < matches.length; i++) {
        var match = matches[i];
        if (flatten && Array.isArray(match)) {
          for (var j = 0; j < match.length; j++) add(match[j]);
        } else {
          add(match);
        }
      }
      function add(value) {
        if (blank(value)) {
          if (notEmpty) return;
          if (hasDefault) value = fallback;
        }
        out.push(primitive ? elementConvert(value) : value);
      }
    };
  }

  function compileHelperSource(entry, where, env) {
    if (typeof entry.extract !== 'string' || entry.extract === '') return null;
    return compileSource({ extract: entry.extract }, where, env);
  }

  // The first names of every path `fields` read, when each is written out in its level
  // function (`levelFunction`: a common field or an object of such); null when any other
  // field (a template, a JSONPath with wildcards, a closure of any kind) may read more.
  function keysRead(fields) {
    var keys = [];
    for (var i = 0; i < fields.length; i++) {
      var inline = fields[i].produce.inline;
      if (!inline) return null;
      var inner = inline.fields ? keysRead(inline.fields) : [inline.steps[0]];
      if (inner === null) return null;
      keys = keys.concat(inner);
    }
    return keys;
  }

  // The composite-object iteration (mappings.yml, buildArrayHelper.mappings): for each
  // match of `extract`, a copy of the root in which each array along the match's path is
  // replaced by the element on the path, so `$.orders[*].items[*]` gives children
  // `$.orders.items.x` (and `$.orders.id`, `$.x`). A path of names, `[*]` and indexes
  // is walked directly; any other (filters, recursion) through jsonpath-plus's matches.
  function compileIteration(extract, where, reads) {
    if (extract.charAt(0) !== '$') {
      T.fail('a buildArrayHelper extract with mappings must be a JSONPath, at ' + where, {
        path: where + '.extract',
        code: 'only_jsonpath_supported',
      });
    }
    query(extract, where + '.extract');
    var steps = T.JSONPath.toPathArray(extract).slice();
    if (steps[0] === '$') steps.shift();
    var simple = steps.every(function (step) {
      return step === '*' || (typeof step === 'string' && !/^[.@?(^~]|^\.\.|[*?()]/.test(step));
    });
    if (!simple) {
      return function (root, visit) {
        if (root === null || typeof root !== 'object') return;
        var results = T.JSONPath({ path: extract, json: root, wrap: true, resultType: 'all', eval: 'safe' }) || [];
        for (var i = 0; i < results.length; i++) {
          var path = T.JSONPath.toPathArray(results[i].path).slice(1);
          visitElements(root, path, results[i].value, false, visit);
        }
      };
    }
    var last = steps.length - 1;
    var wildcards = steps.filter(function (step) { return step === '*'; }).length;
    if (wildcards === 1 && steps[last] === '*') {
      // The common case, `$.a.b[*]`: one array, reached by names; the composite copies
      // only the objects on the way to it.
      var prefix = steps.slice(0, last);
      if (prefix.length === 1 && reads && reads.indexOf('__proto__') === -1 && prefix[0] !== '__proto__') {
        // `$.a[*]` and children that read only `reads` of each composite: a composite of
        // those keys (and `a`, the element) is all they can see of one, not a copy of the
        // whole record per element.
        var name = prefix[0];
        var kept = reads.filter(function (key, index) { return key !== name && reads.indexOf(key) === index; });
        return function (root, visit) {
          if (root === null || typeof root !== 'object' || !hasOwn.call(root, name)) return;
          var container = root[name];
          if (Array.isArray(container)) {
            for (var k = 0; k < container.length; k++) {
              var partial = {};
              for (var r = 0; r < kept.length; r++) {
                if (hasOwn.call(root, kept[r])) partial[kept[r]] = root[kept[r]];
              }
              partial[name] = container[k];
              visit(container[k], partial);
            }
          } else if (T.isPlainObject(container)) {
            for (var key in container) {
              if (hasOwn.call(container, key)) visit(container[key], composite(root, prefix.concat([key]), 0));
            }
          }
        };
      }
      return function (root, visit) {
        var container = root;
        for (var i = 0; i < prefix.length; i++) {
          if (container === null || typeof container !== 'object' || !hasOwn.call(container, prefix[i])) return;
          container = container[prefix[i]];
        }
        if (Array.isArray(container)) {
          for (var k = 0; k < container.length; k++) {
            visit(container[k], replaced(root, prefix, 0, container[k]));
          }
        } else if (T.isPlainObject(container)) {
          for (var key in container) {
            if (hasOwn.call(container, key)) visit(container[key], composite(root, prefix.concat([key]), 0));
          }
        }
      };
    }
    return function (root, visit) {
      var chain = new Array(steps.length);
      (function walk(value, i) {
        if (i === steps.length) {
          visitElements(root, chain, value, steps[last] === '*', visit);
          return;
        }
        var step = steps[i];
        if (step === '*') {
          if (Array.isArray(value)) {
            for (var k = 0; k < value.length; k++) {
              chain[i] = k;
              walk(value[k], i + 1);
            }
          } else if (T.isPlainObject(value)) {
            for (var key in value) {
              if (!hasOwn.call(value, key)) continue;
              chain[i] = key;
              walk(value[key], i + 1);
            }
          }
          return;
        }
        if (value === null || typeof value !== 'object' || !hasOwn.call(value, step)) return;
        chain[i] = step;
        walk(value[step], i + 1);
      })(root, 0);
    };
  }
  // A match that is itself an array (a path naming the array, `$.items`) is iterated
  // element by element, as `$.items[*]` would be.
  function visitElements(root, path, value, isElement, visit) {
    if (Array.isArray(value) && !isElement) {
      for (var k = 0; k < value.length; k++) {
        visit(value[k], composite(root, path.concat([k]), 0));
      }
      return;
    }
    visit(value, composite(root, path, 0));
  }
  function composite(value, path, i) {
    if (i === path.length) return value;
    var step = path[i];
    if (Array.isArray(value)) return composite(value[step], path, i + 1);
    var copy = shallowCopy(value);
    copy[step] = composite(value[step], path, i + 1);
    return copy;
  }
  // The composite of `root` in which the array at `path` is replaced by `element`.
  function replaced(value, path, i, element) {
    if (i === path.length) return element;
    if (Array.isArray(value)) return replaced(value[path[i]], path, i + 1, element);
    var copy = shallowCopy(value);
    copy[path[i]] = replaced(value[path[i]], path, i + 1, element);
    return copy;
  }

  // One level of an object: the children with a `generate`, applied in order (a later
  // duplicate wins, as it would in the destination object). A child without `generate`
  // has nowhere to go: the UI refuses to save it (MAPPER2_MISSING_GENERATE) and it is
  // left out here.
  function compileLevel(nodes, where, env) {
    var fields = compileFields(nodes, where, env);
    return fields.length > 0 ? levelFunction(fields) : null;
  }
  function compileFields(nodes, where, env) {
    var fields = [];
    if (Array.isArray(nodes)) {
      nodes.forEach(function (node, index) {
        if (!isActive(node) || typeof node.generate !== 'string' || node.generate === '') return;
        fields.push(compileNode(node, where + '[' + index + ']', env));
      });
    }
    return fields;
  }

  var objectPrototype = Object.prototype;
  var arrayPrototype = Array.prototype;
  function inherited(name) {
    return name in objectPrototype || name in arrayPrototype;
  }

  // A level's fields applied by a function written for the level: each field's value
  // stored under its key in order, a field giving undefined left out. The common field
  // (a `$.a` or `$.a.b` path and a conversion) and an object built from its children
  // alone are written out in the function, with their keys as constants; any other field
  // is its compiled closure, called. V8 then keeps each read, store and call monomorphic,
  // where closures shared by every field make them megamorphic (bench/README.md,
  // "Mapping throughput"). Keys and path steps enter the code as JSON string literals,
  // everything else as references: nothing a definition holds becomes code.
  function levelFunction(fields) {
    var refs = [];
    var objects = 0;
    var lines = ['var v, t;'];
    function ref(value) {
      refs.push(value);
      return 'r[' + (refs.length - 1) + ']';
    }
    function store(field, target, value) {
      return field.key === '__proto__'
        ? ref(defineProtoKey) + '(' + target + ', ' + value + ');'
        : target + '[' + JSON.stringify(field.key) + '] = ' + value + ';';
    }
    // `x[name]`, own properties only: the data is JSON's (objects of Object.prototype,
    // arrays of Array.prototype, no value undefined), so a name neither prototype has is
    // found only as the object's own, and needs no hasOwnProperty call.
    function has(object, name) {
      return inherited(name) ? ' && hasOwn.call(' + object + ', ' + JSON.stringify(name) + ')' : '';
    }
    function read(steps) {
      var a = JSON.stringify(steps[0]);
      var first = 'root !== null && typeof root === "object"' + has('root', steps[0]);
      if (steps.length === 1) return '(' + first + ' ? root[' + a + '] : undefined)';
      var b = JSON.stringify(steps[1]);
      return '(' + first + ' && (t = root[' + a + ']) !== null && typeof t === "object"' +
        has('t', steps[1]) + ' ? t[' + b + '] : undefined)';
    }
    function write(level, target) {
      level.forEach(function (field) {
        var inline = field.produce.inline;
        if (inline && inline.fields) {
          var object = 'o' + objects++;
          lines.push('var ' + object + ' = {};');
          write(inline.fields, object);
          lines.push(store(field, target, object));
        } else if (inline) {
          lines.push('v = ' + read(inline.steps) + ';');
          lines.push('if (typeof v !== ' + JSON.stringify(inline.dataType) + ') v = ' + ref(inline.convert) + '(v);');
          lines.push('if (v !== undefined) ' + store(field, target, 'v'));
        } else {
          lines.push('v = ' + ref(field.produce) + '(run, root, ' + target + ');');
          lines.push('if (v !== undefined) ' + store(field, target, 'v'));
        }
      });
    }
    write(fields, 'target');
    var make = new MakeFunction('r', 'hasOwn',
      'return function (run, root, target) {\n' + lines.join('\n') + '\n};');
    return make(refs, hasOwn);
  }
  // `__proto__` is a key like any other in JSON: defined, never set (which would change
  // the object's prototype).
  function defineProtoKey(target, value) {
    Object.defineProperty(target, '__proto__', {
      value: value,
      writable: true,
      enumerable: true,
      configurable: true,
    });
  }
  // The children of an arrayarray entry: nodes without `generate` (SKILL.md gotcha 7),
  // each value one element of the outer array.
  function compileValues(nodes, where, env) {
    var values = [];
    nodes.forEach(function (node, index) {
      if (isActive(node)) values.push(compileNode(node, where + '[' + index + ']', env));
    });
    return function (run, root, out) {
      for (var i = 0; i < values.length; i++) {
        var value = values[i].produce(run, root, null);
        if (value !== undefined) out.push(value);
      }
    };
  }

  // ---- the per-record run: what `$` is, what Handlebars sees ----
  // context keys read: operation ('create' | 'update'), inputContext ('record' |
  // 'envelope'), and for the envelope and Handlebars: job, settings, iClient, import,
  // connection.
  var ENVELOPE_KEYS = ['job', 'settings', 'iClient', 'import'];
  var TEMPLATE_KEYS = ['job', 'settings', 'iClient', 'import', 'connection'];
  function Run(input, context) {
    this.record = input;
    this.context = context;
    this.operation = context.operation;
    this._template = undefined;
    if (context.inputContext === 'envelope') {
      // celigo/ai SKILL.md "Choose the input context": record fields move to $.record.
      var envelope = { record: input };
      for (var i = 0; i < ENVELOPE_KEYS.length; i++) {
        var key = ENVELOPE_KEYS[i];
        if (context[key] !== undefined) envelope[key] = context[key];
      }
      this.root = envelope;
    } else {
      this.root = input;
    }
  }
  // Handlebars in a mapping reads `record.x`, or `rows.x` when the source is grouped
  // (the UI's MAPPER2_WRONG_HANDLEBAR_FOR_ROWS / _FOR_RECORD checks). Made on first use.
  Run.prototype.templateContext = function () {
    if (this._template === undefined) {
      var made = {};
      for (var i = 0; i < TEMPLATE_KEYS.length; i++) {
        var key = TEMPLATE_KEYS[i];
        if (this.context[key] !== undefined) made[key] = this.context[key];
      }
      if (Array.isArray(this.record)) made.rows = this.record;
      else made.record = this.record;
      this._template = made;
    }
    return this._template;
  };

  var compiled = T.memo(500);

  function compile(definition, options) {
    var mode = (options && options.mode) || 'create';
    if (mode !== 'create' && mode !== 'modify') {
      T.fail('unknown mode ' + JSON.stringify(mode), {
        path: 'mode',
        code: 'invalid_mapping',
        hint: 'use "create" or "modify"',
      });
    }
    if (!T.isPlainObject(definition) || !Array.isArray(definition.mappings)) {
      T.fail('a Mapper 2.0 definition needs a mappings array', {
        path: 'mappings',
        code: 'invalid_mapping',
      });
    }
    return compiled(mode + '\n' + JSON.stringify(definition), function () {
      return build(definition, mode);
    });
  }

  function build(definition, mode) {
    var compiledLookups;
    var env = {
      mode: mode,
      definition: definition,
      // Compiled on first need: a mapping with no lookupName never touches them.
      lookups: function () {
        if (compiledLookups === undefined) compiledLookups = T.lookups.compile(definition.lookups || []);
        return compiledLookups;
      },
    };
    var top = activeNodes(definition.mappings);
    // Row output (file imports, QA TC_C47443): one top node with no generate and
    // dataType objectarray makes the output that array of rows.
    if (top.length === 1 && !top[0].generate && top[0].dataType === 'objectarray') {
      var at = 'mappings[' + definition.mappings.indexOf(top[0]) + ']';
      var rows = compileNode(top[0], at, env);
      return function (input, context) {
        var run = new Run(input, context || {});
        var value = rows.produce(run, run.root, null);
        return value === undefined ? [] : value;
      };
    }
    var level = compileLevel(definition.mappings, 'mappings', env);
    return function (input, context) {
      var run = new Run(input, context || {});
      var target = mode === 'modify' && T.isPlainObject(input) ? shallowCopy(input) : {};
      if (level) level(run, run.root, target);
      return target;
    };
  }

  // ---- validation: the UI's checks before it saves (src/utils/mapping/index.js,
  // validateV2Mappings), plus the API's "must have status" (celigo/ai SKILL.md) ----
  var WRONG_SOURCE = {
    number: ['boolean', 'booleanarray', 'numberarray', 'stringarray', 'object', 'objectarray'],
    boolean: ['booleanarray', 'numberarray', 'stringarray', 'object', 'objectarray'],
    numberarray: ['boolean', 'booleanarray', 'object', 'objectarray'],
    booleanarray: ['object', 'objectarray'],
    object: ['string', 'number', 'boolean', 'stringarray', 'booleanarray', 'numberarray', 'objectarray'],
    objectarray: ['string', 'number', 'boolean', 'stringarray', 'booleanarray', 'numberarray'],
  };
  // The UI counts as an expression any extract with `{{`, and any that is not a
  // JSONPath unless the value is hard-coded.
  function isExpression(extract, hardCoded) {
    if (typeof extract !== 'string' || extract === '') return false;
    return extract.indexOf('{{') !== -1 || (!hardCoded && extract.charAt(0) !== '$');
  }

  function validate(definition, options) {
    var problems = [];
    var grouped = Boolean(options && options.grouped);
    function report(path, code, message) {
      problems.push({ path: path, code: code, message: message });
    }
    if (!T.isPlainObject(definition) || !Array.isArray(definition.mappings)) {
      report('mappings', 'invalid_mapping', 'a Mapper 2.0 definition needs a mappings array');
      return problems;
    }
    var lookupNames = {};
    (Array.isArray(definition.lookups) ? definition.lookups : []).forEach(function (lookup) {
      if (T.isPlainObject(lookup) && typeof lookup.name === 'string') lookupNames[lookup.name] = true;
    });
    var top = definition.mappings;
    var rowOutput = top.length === 1 && T.isPlainObject(top[0]) && !top[0].generate &&
      top[0].dataType === 'objectarray';

    function hasSource(node) {
      if (own(node, 'hardCodedValue') || (typeof node.extract === 'string' && node.extract !== '')) return true;
      if (Array.isArray(node.buildArrayHelper) && node.buildArrayHelper.length) return true;
      return Array.isArray(node.mappings) && node.mappings.length > 0;
    }

    function level(nodes, where, shown, generateless) {
      var seen = {};
      nodes.forEach(function (node, index) {
        var at = where + '[' + index + ']';
        if (!T.isPlainObject(node)) {
          report(at, 'invalid_mapping', 'a mapping must be an object, at ' + at);
          return;
        }
        var label = node.generate ? (shown ? shown + '.' : '') + node.generate : at;
        checkNode(node, at, label, generateless);
        if (node.generate) {
          if (hasOwn.call(seen, node.generate)) {
            report(at, 'duplicate_generate', 'the destination field ' + JSON.stringify(label) +
              ' is mapped twice at one level (first at ' + seen[node.generate] + ')');
          } else {
            seen[node.generate] = at;
          }
        }
      });
    }

    function checkNode(node, at, label, generateless) {
      if (!own(node, 'status')) {
        report(at, 'missing_status', 'the mapping ' + JSON.stringify(label) +
          ' has no status: integrator.io rejects it (set "status": "Active")');
      }
      var dataType = node.dataType === undefined ? 'string' : node.dataType;
      if (!hasOwn.call(DATA_TYPES, dataType)) {
        report(at + '.dataType', 'invalid_data_type', 'the mapping ' + JSON.stringify(label) + ' has an unknown dataType ' +
          JSON.stringify(node.dataType) + '; use one of ' + Object.keys(DATA_TYPES).join(', '));
        return;
      }
      if (node.status === 'Draft') return;
      var sourced = hasSource(node) || (node.lookupName && true);
      if (!node.generate && !generateless && sourced) {
        report(at, 'missing_generate', 'the mapping at ' + at + ' has a source but no destination field (generate)');
      }
      var hardCoded = own(node, 'hardCodedValue');
      var kind = DATA_TYPES[dataType];
      var helpers = Array.isArray(node.buildArrayHelper) ? node.buildArrayHelper : [];
      if (hardCoded && (dataType === 'object' || dataType === 'objectarray')) {
        report(at, 'only_jsonpath_supported', 'the mapping ' + JSON.stringify(label) + ' is ' + dataType +
          ': it cannot be hard-coded, only extracted with a JSONPath');
      }
      if (kind !== 'primitive') {
        var extracts = [];
        if (typeof node.extract === 'string' && node.extract !== '') extracts.push(node.extract);
        helpers.forEach(function (entry) {
          if (T.isPlainObject(entry) && typeof entry.extract === 'string' && entry.extract !== '') {
            extracts.push(entry.extract);
          }
        });
        var expressions = extracts.filter(function (extract) { return isExpression(extract, hardCoded); });
        if (expressions.length) {
          var objectish = dataType === 'object' || dataType === 'objectarray';
          report(at, objectish ? 'only_jsonpath_supported' : 'expression_not_supported',
            'the mapping ' + JSON.stringify(label) + ' is ' + dataType + ': Handlebars and literal values are ' +
            'allowed only for string, number and boolean; use a JSONPath instead of ' +
            JSON.stringify(expressions[0]));
        }
      } else if (typeof node.extract === 'string') {
        var wrong = grouped ? /\{\{((.*?\s+record)|(\s*record))\..*\}\}/i : /\{\{((.*?\s+rows)|(\s*rows))\..*\}\}/i;
        if (wrong.test(node.extract)) {
          report(at + '.extract', 'wrong_handlebars_context', 'the mapping ' + JSON.stringify(label) + ' reads ' +
            (grouped ? 'record.' : 'rows.') + ' in Handlebars, but the source is ' +
            (grouped ? 'grouped: use rows.' : 'a record: use record.'));
        }
      }
      if (typeof node.extract === 'string' && node.extract.charAt(0) === '$') checkPath(node.extract, at + '.extract');
      helpers.forEach(function (entry, index) {
        if (T.isPlainObject(entry) && typeof entry.extract === 'string' && entry.extract.charAt(0) === '$') {
          checkPath(entry.extract, at + '.buildArrayHelper[' + index + '].extract');
        }
      });
      if (node.lookupName && !hasOwn.call(lookupNames, node.lookupName)) {
        report(at + '.lookupName', 'unknown_lookup', 'the mapping ' + JSON.stringify(label) + ' uses the lookup ' +
          JSON.stringify(node.lookupName) + ', which is not in lookups[]');
      }
      var when = node.conditional && node.conditional.when;
      if (when && !hasOwn.call(CONDITIONS, when)) {
        report(at + '.conditional.when', 'invalid_mapping', 'the mapping ' + JSON.stringify(label) + ' has an unknown ' +
          'conditional.when ' + JSON.stringify(when) + '; use one of ' + Object.keys(CONDITIONS).join(', '));
      }
      ['extractDateTimezone', 'generateDateTimezone'].forEach(function (field) {
        var zone = node[field];
        if (typeof zone === 'string' && zone !== '' && !T.moment.tz.zone(zone) && !/^\(GMT[+-]/.test(zone)) {
          report(at + '.' + field, 'invalid_timezone', 'the mapping ' + JSON.stringify(label) + ' has an unknown time zone ' +
            JSON.stringify(zone) + ' in ' + field + '; use an IANA name such as "America/New_York"');
        }
      });
      // Only a declared sourceDataType is judged: the UI assumes "string" when it is
      // absent, but documents made through the API often have none (QA TC_C47439).
      if (WRONG_SOURCE[dataType] && node.generate && sourced) {
        var sources = kind === 'array'
          ? helpers.map(function (entry) { return T.isPlainObject(entry) ? entry.sourceDataType : undefined; })
          : dataType === 'object' && !node.extract ? [] : [node.sourceDataType];
        sources.forEach(function (sourceType) {
          if (WRONG_SOURCE[dataType].indexOf(sourceType) !== -1) {
            report(at + '.sourceDataType', 'wrong_source_data_type', 'the mapping ' + JSON.stringify(label) +
              ' cannot convert a source of type ' + sourceType + ' to ' + dataType);
          }
        });
      }
      if (dataType === 'object' && Array.isArray(node.mappings)) {
        level(node.mappings, at + '.mappings', label, false);
      }
      helpers.forEach(function (entry, index) {
        if (T.isPlainObject(entry) && Array.isArray(entry.mappings)) {
          level(entry.mappings, at + '.buildArrayHelper[' + index + '].mappings',
            node.generate ? label + '[*]' : '', dataType === 'arrayarray');
        }
      });
    }

    function checkPath(path, at) {
      try {
        T.query(path);
      } catch (error) {
        if (!(error instanceof T.DefinitionError)) throw error;
        report(at, 'invalid_jsonpath', error.message);
      }
    }

    level(top, 'mappings', '', rowOutput);
    return problems;
  }

  T.mapper2 = { compile: compile, validate: validate };

  // ---- ops ----
  // `mapText`: a page given as JSON text, mapped to JSON text, the one mapping op (the
  // Python API reads the text back when it wants Python values). The definition's shape
  // decides: `mappings` (Mapper 2.0, which wins when both are present), `mapping`
  // (Mapper 1.0), neither (the records unchanged); `definition.mode` ('create' by
  // default) lets Transformation 2.0's rulesTwoDotZero be mapped here too. The body is
  // the list of mapped records, null where a record failed; the head counts them and
  // gives each failed record's errors by index.
  T.ops.mapText = function (request) {
    var records = T.parseGivenText('records');
    if (!Array.isArray(records)) {
      T.fail('records must be an array, not ' + describe(records), { path: 'records', code: 'invalid_request' });
    }
    var context = T.isPlainObject(request.context) ? request.context : {};
    var apply = mapperOf(request.definition);
    var mapped = new Array(records.length);
    var failures = {};
    for (var i = 0; i < records.length; i++) {
      try {
        mapped[i] = apply === null ? records[i] : apply(records[i], context);
      } catch (error) {
        if (!(error instanceof T.RecordError)) throw error;
        mapped[i] = null;
        failures[i] = [{ code: error.code, message: error.message }];
      }
    }
    // JSON.stringify with a replacer or gap argument, even null or undefined, leaves
    // V8's fast path: 3x slower over a page, so the plain call when there is no indent.
    var text = typeof request.indent === 'number' ? JSON.stringify(mapped, null, request.indent) : JSON.stringify(mapped);
    return T.splitReply({ count: records.length, failures: failures }, text);
  };

  function mapperOf(definition) {
    if (definition === undefined || definition === null) return null;
    if (!T.isPlainObject(definition)) {
      T.fail('a mapping definition must be an object, not ' + describe(definition), {
        path: '',
        code: 'invalid_mapping',
      });
    }
    if (Array.isArray(definition.mappings)) {
      return compile({ mappings: definition.mappings, lookups: definition.lookups || [] }, {
        mode: definition.mode || 'create',
      });
    }
    if (T.isPlainObject(definition.mapping)) {
      return T.mapper1.compile({ mapping: definition.mapping, lookups: definition.lookups || [] });
    }
    return null;
  }

  // `validateMapping`: {definition, grouped} -> [{path, code, message}] for Mapper 2.0
  // (nothing to say about a Mapper 1.0 mapping or none).
  T.ops.validateMapping = function (request) {
    var definition = request.definition;
    if (!T.isPlainObject(definition) || !Array.isArray(definition.mappings)) return [];
    return validate(definition, { grouped: request.grouped });
  };
})(globalThis.__jsrt_transform);
