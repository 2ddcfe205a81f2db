// integrator.io's export transforms (`export.transform`, and a lookup's or import's response
// transform): `{type: "expression", expression: {version: "1", rules}}` (Transformation
// 1.0: groups of {extract, generate} rules building a new record) or
// `{type: "expression", expression: {version: "2", rulesTwoDotZero: {mode, mappings,
// lookups}}}` (Transformation 2.0: Mapper 2.0 mappings, `mode` "create" builds a new record,
// "modify" edits the record it is given). Adds `T.transforms.compile(transform) ->
// function(record, context) -> record` and the op `transform`.
//
// Sources: celigo/ai skills/writing-mappings/references/schemas/transform.yml (versions,
// the 1.0 rule groups and their extract syntaxes, 2.0's modes); the UI,
// singh-gurkawalbir/demo src/reducers/session/editors/processorLogic/transform/index.js
// (a 1.0 editor's rules are one group, duplicate `generate`s are refused).
(function (T) {
  'use strict';

  function invalid(message, path, hint) {
    T.fail(message, { code: 'invalid_transform', path: path, hint: hint });
  }

  function identity(record) {
    return record;
  }

  // --- Transformation 1.0

  // An extract as transform.yml lists them: `id`, `a.b`, `SDF[0]`, `*.id`, `*.[Internal ID]`,
  // or an XML-style `/A/B` (read as `A.B`).
  function extractPath(extract) {
    var path = extract.charAt(0) === '/' ? extract.slice(1).split('/').join('.') : extract;
    return T.fieldPath(path);
  }

  // The steps of a `generate` path, parsed by jsonpath-plus (after '$').
  function generateSteps(generate, path) {
    var steps;
    try {
      steps = T.JSONPath.toPathArray(T.fieldPath(generate)).slice(1);
    } catch (error) {
      invalid('generate ' + JSON.stringify(generate) + ' is no field path: ' + error.message, path);
    }
    steps.forEach(function (step) {
      if (step !== '*' && /^[.@?(^~]|^\.\.|[?()]/.test(step)) {
        invalid('generate ' + JSON.stringify(generate) + ' names a field, not a query', path);
      }
    });
    if (steps.length === 0 || steps[0] === '*' || /^\d+$/.test(steps[0])) {
      invalid('generate ' + JSON.stringify(generate) + ' must start with a field name', path);
    }
    return steps;
  }

  function isIndex(step) {
    return step === '*' || /^\d+$/.test(step);
  }
  // The container a step writes into: an array before an index or `*`, else an object
  // (an existing one of the right kind is kept, so rules add to what earlier ones built).
  function containerFor(existing, nextStep) {
    if (isIndex(nextStep)) return Array.isArray(existing) ? existing : [];
    return T.isPlainObject(existing) ? existing : {};
  }
  // Write `value` at steps[i..] of `container`; a `*` step spreads an array value over the
  // elements (`lines[*].sku` from [a, b] is lines[0].sku = a, lines[1].sku = b).
  function put(container, steps, i, value) {
    var step = steps[i];
    var last = i === steps.length - 1;
    if (step === '*') {
      var items = Array.isArray(value) ? value : [value];
      for (var n = 0; n < items.length; n++) {
        container[n] = last
          ? items[n]
          : put(containerFor(container[n], steps[i + 1]), steps, i + 1, items[n]);
      }
      return container;
    }
    container[step] = last
      ? value
      : put(containerFor(container[step], steps[i + 1]), steps, i + 1, value);
    return container;
  }

  function compileRulesOne(groups) {
    if (!Array.isArray(groups))
      invalid("a 1.0 transform's rules are an array of rule groups", 'expression.rules');
    var rules = [];
    var generated = Object.create(null);
    groups.forEach(function (group, g) {
      var groupPath = 'expression.rules[' + g + ']';
      if (!Array.isArray(group)) {
        invalid(
          'a rule group is an array of {extract, generate} rules',
          groupPath,
          'rules: [[{"extract": "a", "generate": "b"}]]',
        );
      }
      group.forEach(function (rule, r) {
        var rulePath = groupPath + '[' + r + ']';
        if (!T.isPlainObject(rule)) invalid('a rule is an object {extract, generate}', rulePath);
        ['extract', 'generate'].forEach(function (key) {
          if (typeof rule[key] !== 'string' || rule[key] === '') {
            invalid('a rule needs "' + key + '" (a field path)', rulePath + '.' + key);
          }
        });
        // The UI refuses to save duplicate generates (transform/index.js preSaveValidate).
        if (generated[rule.generate]) {
          invalid(
            'duplicate rules generate ' +
              JSON.stringify(rule.generate) +
              ' (also ' +
              generated[rule.generate] +
              ')',
            rulePath + '.generate',
          );
        }
        generated[rule.generate] = rulePath;
        var query;
        try {
          query = T.query(extractPath(rule.extract));
        } catch (error) {
          if (error instanceof T.DefinitionError) invalid(error.message, rulePath + '.extract');
          throw error;
        }
        rules.push({
          read: query.get,
          steps: generateSteps(rule.generate, rulePath + '.generate'),
        });
      });
    });
    // No rules: no transform (the record goes on as it is); plausible, the sources are silent.
    if (rules.length === 0) return identity;
    // A 1.0 transform builds a new record of what its rules generate; a field a rule's
    // extract does not find is left out.
    return function (record) {
      var output = {};
      for (var i = 0; i < rules.length; i++) {
        var value = rules[i].read(record);
        if (value !== undefined) put(output, rules[i].steps, 0, value);
      }
      return output;
    };
  }

  // --- Transformation 2.0

  var MODES = ['create', 'modify'];

  function compileRulesTwo(rules) {
    var base = 'expression.rulesTwoDotZero';
    if (!T.isPlainObject(rules))
      invalid('a 2.0 transform needs rulesTwoDotZero: {mode, mappings, lookups}', base);
    var mode = rules.mode === undefined ? 'create' : rules.mode;
    if (MODES.indexOf(mode) < 0) {
      invalid(
        'rulesTwoDotZero.mode is "create" or "modify", not ' + JSON.stringify(mode),
        base + '.mode',
      );
    }
    var mappings = rules.mappings === undefined ? [] : rules.mappings;
    if (!Array.isArray(mappings))
      invalid('rulesTwoDotZero.mappings is an array', base + '.mappings');
    // No mappings: no transform (plausible, the sources are silent).
    if (mappings.length === 0) return identity;
    try {
      return T.mapper2.compile(
        { mappings: mappings, lookups: rules.lookups || [] },
        { mode: mode },
      );
    } catch (error) {
      // Mapper 2.0 names places inside its definition: name them inside the transform.
      if (
        error instanceof T.DefinitionError &&
        error.details &&
        typeof error.details.path === 'string'
      ) {
        var path = error.details.path;
        error.details.path = base + (path === '' || path.charAt(0) === '[' ? '' : '.') + path;
      }
      throw error;
    }
  }

  function compileTransform(transform) {
    if (transform === undefined || transform === null) return identity;
    if (!T.isPlainObject(transform)) {
      T.fail('a transform is an object: {type: "expression", expression: {...}}', {
        code: 'invalid_transform',
        path: '',
      });
    }
    var type = transform.type === undefined ? 'expression' : transform.type;
    if (type === 'script') {
      T.fail('a script transform runs as a transform hook, not in the transformation engine', {
        code: 'script_transform',
        path: 'type',
        hint: 'run transform.script.function of transform.script._scriptId as a transform hook',
      });
    }
    if (type !== 'expression') {
      invalid('transform.type is "expression" or "script", not ' + JSON.stringify(type), 'type');
    }
    var expression = transform.expression;
    if (expression === undefined || expression === null) return identity;
    if (!T.isPlainObject(expression)) invalid('transform.expression is an object', 'expression');
    var version = expression.version;
    if (version === undefined)
      version =
        expression.rulesTwoDotZero !== undefined && expression.rules === undefined ? '2' : '1';
    version = String(version);
    if (version === '2') return compileRulesTwo(expression.rulesTwoDotZero);
    if (version !== '1') {
      invalid(
        'transform expressions have version "1" or "2", not ' + JSON.stringify(expression.version),
        'expression.version',
      );
    }
    if (expression.rules === undefined || expression.rules === null) return identity;
    return compileRulesOne(expression.rules);
  }

  var compiled = T.memo(1000);
  T.transforms = {
    compile: function (transform) {
      return compiled(JSON.stringify(transform === undefined ? null : transform), function () {
        return compileTransform(transform);
      });
    },
  };

  // {transform, records, context} -> per record {data: the transformed record} or {errors}.
  T.ops.transform = function (request) {
    var apply = T.transforms.compile(request.transform);
    var context = T.isPlainObject(request.context) ? request.context : {};
    return T.perRecord(request.records || [], function (record) {
      return apply(record, context);
    });
  };
})(globalThis.__jsrt_transform);
