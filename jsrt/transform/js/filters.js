// integrator.io's expression filters (exports' output filters, lookups' and imports' input
// filters, routers' branch filters): `{type: "expression", expression: {version: "1", rules}}`
// where `rules` is a prefix s-expression such as ["equals", ["string", ["extract", "x"]], "v"].
// A filter compiles once into closures; each record is then tested without re-reading the
// definition. Adds to T: `T.filters.compile(filter) -> function(record, context) -> boolean`,
// `T.fieldPath(path)` (a field as integrator.io's editors write it, as a JSONPath) and the
// op `filter`.
//
// Sources: celigo/ai skills/configuring-filters/SKILL.md and references/schemas/filter.yml
// (operators, casts, settings scopes, case-sensitive comparisons, `empty`/`notempty`);
// the UI, singh-gurkawalbir/demo src/components/AFE/Editor/panels/Filter/{util.js,config.js,
// FilterPanel.jsx} (the operators it writes, the value operators add/subtract/multiply/divide/
// modulo, the `context` operand, case-insensitive operator names, boolean spellings) and
// src/reducers/session/editors/processorLogic/filter/index.js (the data a filter sees:
// the record, or the first of grouped rows; `settings`; the rest as `context`).
(function (T) {
  'use strict';

  var LOGICAL = ['and', 'or', 'not'];
  var COMPARISONS = [
    'equals',
    'notequals',
    'greaterthan',
    'greaterthanequals',
    'lessthan',
    'lessthanequals',
    'startswith',
    'endswith',
    'contains',
    'doesnotcontain',
    'matches',
  ];
  var EMPTINESS = ['empty', 'notempty'];
  var SOURCES = ['extract', 'settings', 'context'];
  var CASTS = ['string', 'number', 'boolean', 'epochtime'];
  var UNARY_MATH = ['ceiling', 'floor', 'abs'];
  var ARITHMETIC = ['add', 'subtract', 'multiply', 'divide', 'modulo'];
  var CASES = ['lowercase', 'uppercase'];
  var CONDITIONS = LOGICAL.concat(COMPARISONS, EMPTINESS);
  var VALUES = SOURCES.concat(CASTS, UNARY_MATH, ARITHMETIC, CASES);
  // The schema (filter.yml) lists these, the platform does not know them (SKILL.md, gotcha 1:
  // they silently match nothing there); refused here so the mistake shows.
  var MISSPELT = { isempty: 'empty', isnotempty: 'notempty' };

  function pathOf(base, index) {
    return base + '[' + index + ']';
  }

  function invalid(message, path, hint) {
    T.fail(message, { code: 'invalid_filter', path: path, hint: hint });
  }

  // A field as integrator.io's editors write it (`a.b`, `a[0].b`, `a.[Internal ID]`, `*.id`,
  // `CreditMemoData.length`, or a JSONPath from `$`) rewritten as the JSONPath jsonpath-plus
  // reads: bracketed names are quoted, a leading `*` is every element of the root array.
  T.fieldPath = function (path) {
    if (path.charAt(0) === '$') return path;
    var quoted = path.replace(/\.?\[([^\]]*)\]/g, function (whole, inside) {
      if (/^(\d+|\*|'.*'|".*")$/.test(inside)) return '[' + inside + ']';
      return "['" + inside.replace(/\\/g, '\\\\').replace(/'/g, "\\'") + "']";
    });
    if (quoted.charAt(0) === '*') quoted = '[*]' + quoted.slice(1);
    return quoted.charAt(0) === '[' ? '$' + quoted : '$.' + quoted;
  };

  // --- values: each compiles to {type, get(scope)}; type is the cast it produces, or null
  // for a raw field or a literal null (then the other operand's type decides).

  var hasOwn = Object.prototype.hasOwnProperty;

  function literalType(value) {
    if (typeof value === 'string') return 'string';
    if (typeof value === 'number') return 'number';
    if (typeof value === 'boolean') return 'boolean';
    return null;
  }

  // Casts. Where the sources are silent the choice is the plausible one, said here:
  // a missing field is '' as a string, not-a-number as a number, false as a boolean.
  function toText(value) {
    if (value === undefined || value === null) return '';
    if (typeof value === 'string') return value;
    if (Array.isArray(value)) return value.map(toText).join(',');
    if (typeof value === 'object') return JSON.stringify(value);
    return String(value);
  }
  function toNumber(value) {
    if (typeof value === 'number') return value;
    if (typeof value === 'boolean') return value ? 1 : 0;
    if (typeof value === 'string' && value.trim() !== '') return Number(value);
    return NaN;
  }
  // The spellings the UI's convertBoolean accepts (util.js); any other value is no boolean
  // (null: equal to nothing).
  function toBoolean(value) {
    if (typeof value === 'boolean') return value;
    if (value === undefined || value === null || value === '') return false;
    var text = typeof value === 'string' ? value.trim().toLowerCase() : value;
    if (text === 'true' || text === 't' || text === '1' || text === 1) return true;
    if (text === 'false' || text === 'f' || text === '0' || text === 0) return false;
    return null;
  }
  // Milliseconds since the epoch (filter.yml: "Convert value to Epoch Time", compared with
  // e.g. 1609459200000): numbers and digit strings as they are, dates as Date.parse reads
  // them (ISO 8601, RFC 2822; the native parser, the fast path per record), then the ISO 8601
  // forms only moment reads (week and ordinal dates).
  function toEpoch(value) {
    if (typeof value === 'number') return value;
    if (typeof value !== 'string' || value.trim() === '') return NaN;
    var text = value.trim();
    if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
    var parsed = Date.parse(text);
    if (!isNaN(parsed)) return parsed;
    var iso = T.moment.utc(text, T.moment.ISO_8601, true);
    return iso.isValid() ? iso.valueOf() : NaN;
  }
  var CAST = { string: toText, number: toNumber, boolean: toBoolean, epochtime: toEpoch };

  function compileValue(node, path) {
    if (!Array.isArray(node)) {
      if (node !== null && typeof node === 'object') {
        invalid('an operand is a value or an [operator, ...] array, not an object', path);
      }
      return {
        type: literalType(node),
        constant: true,
        get: function () {
          return node;
        },
      };
    }
    var op = operatorOf(node, path);
    if (CONDITIONS.indexOf(op) >= 0) {
      invalid(
        '"' + op + '" is a condition; an operand here must be a value',
        pathOf(path, 0),
        'compare values, e.g. ["equals", ["string", ["extract", "field"]], "text"]',
      );
    }
    if (VALUES.indexOf(op) < 0) unknownOperator(op, path);
    if (SOURCES.indexOf(op) >= 0) return compileSource(op, node, path);
    if (ARITHMETIC.indexOf(op) >= 0) {
      if (node.length < 3) {
        invalid('"' + op + '" takes two or more operands', path);
      }
      var terms = operands(node).map(function (operand, i) {
        return compileValue(operand, pathOf(path, i + 1));
      });
      var combine = ARITHMETIC_STEP[op];
      return {
        type: 'number',
        get: function (scope) {
          var total = toNumber(terms[0].get(scope));
          for (var i = 1; i < terms.length; i++)
            total = combine(total, toNumber(terms[i].get(scope)));
          return total;
        },
      };
    }
    arity(node, op, 1, path);
    var inner = compileValue(node[1], pathOf(path, 1));
    var convert;
    var type;
    if (CASTS.indexOf(op) >= 0) {
      convert = CAST[op];
      type = op;
    } else if (UNARY_MATH.indexOf(op) >= 0) {
      var round = op === 'ceiling' ? Math.ceil : op === 'floor' ? Math.floor : Math.abs;
      convert = function (value) {
        return round(toNumber(value));
      };
      type = 'number';
    } else {
      convert =
        op === 'lowercase'
          ? function (value) {
              return toText(value).toLowerCase();
            }
          : function (value) {
              return toText(value).toUpperCase();
            };
      type = 'string';
    }
    return {
      type: type,
      get: function (scope) {
        return convert(inner.get(scope));
      },
    };
  }

  var ARITHMETIC_STEP = {
    add: function (a, b) {
      return a + b;
    },
    subtract: function (a, b) {
      return a - b;
    },
    multiply: function (a, b) {
      return a * b;
    },
    divide: function (a, b) {
      return a / b;
    },
    modulo: function (a, b) {
      return a % b;
    },
  };

  // `extract` reads the record, `settings` the settings integrator.io gives the step
  // (`integration.x`, `flowGrouping.x`, `flow.x`, `export.x`, `import.x`), `context` the
  // rest of the filter's data (`pageIndex`, `lastExportDateTime`, `currentExportDateTime`).
  function compileSource(op, node, path) {
    arity(node, op, 1, path);
    var field = node[1];
    if (typeof field !== 'string' || field === '') {
      invalid('"' + op + '" takes a field name (a non-empty string)', pathOf(path, 1));
    }
    if (
      op === 'settings' &&
      !/^(integration|flowGrouping|flow|export|import|connection)[.[]/.test(field)
    ) {
      invalid(
        'a setting is named with its scope, e.g. "flow.' + field + '"',
        pathOf(path, 1),
        'scopes: integration, flowGrouping, flow, export, import (configuring-filters SKILL.md)',
      );
    }
    var query;
    try {
      query = T.query(T.fieldPath(field));
    } catch (error) {
      if (error instanceof T.DefinitionError) invalid(error.message, pathOf(path, 1));
      throw error;
    }
    var read =
      op === 'extract'
        ? function (scope) {
            return query.get(scope.record);
          }
        : op === 'settings'
          ? function (scope) {
              return query.get(scope.settings);
            }
          : function (scope) {
              return query.get(scope.context);
            };
    return { type: null, get: read };
  }

  // --- conditions: each compiles to a function(scope) -> boolean.

  function compileCondition(node, path) {
    if (!Array.isArray(node)) {
      invalid('a condition is an [operator, operand, ...] array', path);
    }
    var op = operatorOf(node, path);
    if (VALUES.indexOf(op) >= 0) {
      invalid(
        '"' +
          op +
          '" gives a value; a condition compares it, e.g. ["notempty", ' +
          JSON.stringify(node) +
          ']',
        pathOf(path, 0),
      );
    }
    if (CONDITIONS.indexOf(op) < 0) unknownOperator(op, path);
    if (op === 'and' || op === 'or') {
      if (node.length < 2) invalid('"' + op + '" takes one or more conditions', path);
      var parts = operands(node).map(function (operand, i) {
        return compileCondition(operand, pathOf(path, i + 1));
      });
      return op === 'and'
        ? function (scope) {
            for (var i = 0; i < parts.length; i++) if (!parts[i](scope)) return false;
            return true;
          }
        : function (scope) {
            for (var i = 0; i < parts.length; i++) if (parts[i](scope)) return true;
            return false;
          };
    }
    if (op === 'not') {
      arity(node, op, 1, path);
      var negated = compileCondition(node[1], pathOf(path, 1));
      return function (scope) {
        return !negated(scope);
      };
    }
    if (op === 'empty' || op === 'notempty') {
      arity(node, op, 1, path);
      var tested = compileValue(node[1], pathOf(path, 1));
      var wantEmpty = op === 'empty';
      return function (scope) {
        return isEmptyValue(tested.get(scope)) === wantEmpty;
      };
    }
    arity(node, op, 2, path);
    var left = compileValue(node[1], pathOf(path, 1));
    var right = compileValue(node[2], pathOf(path, 2));
    if (op === 'matches') return compileMatches(left, right, pathOf(path, 2));
    // The operands meet in one type: the left's cast, else the right's, else a literal's
    // JSON type, as the UI gives a rule one data type for both sides (util.js
    // validateFilterRule). An operand already of that type is not cast again.
    var type = castType(left) || castType(right) || left.type || right.type;
    // A raw list field keeps its elements for contains/doesnotcontain.
    var keepsList = (op === 'contains' || op === 'doesnotcontain') && left.type === null;
    var castLeft = keepsList ? identity : castTo(type, left);
    var castRight = castTo(type, right);
    convertible(left, castLeft, type, pathOf(path, 1));
    convertible(right, castRight, type, pathOf(path, 2));
    var test = COMPARE[op];
    return function (scope) {
      return test(castLeft(left.get(scope)), castRight(right.get(scope)));
    };
  }

  function castType(operand) {
    return operand.constant ? null : operand.type;
  }
  function identity(value) {
    return value;
  }
  // A literal the rule's type cannot read is refused, as the UI refuses a number operand
  // that is no number and a boolean one none of its spellings (util.js validateFilterRule).
  function convertible(operand, cast, type, path) {
    if (!operand.constant || operand.get() === null) return;
    var value = cast(operand.get());
    if (value === null || (typeof value === 'number' && isNaN(value))) {
      invalid(
        JSON.stringify(operand.get()) + ' cannot be read as ' + type + ', the type of this rule',
        path,
        type === 'boolean' ? 'booleans: true, false, "t", "f", "1", "0"' : undefined,
      );
    }
  }
  function castTo(type, operand) {
    return type && operand.type !== type ? CAST[type] : identity;
  }

  function isEmptyValue(value) {
    return T.isEmpty(value) || (typeof value === 'number' && isNaN(value));
  }

  // A missing field equals null (JSON has no undefined).
  function same(a, b) {
    if (a === b) return true;
    if ((a === undefined || a === null) && (b === undefined || b === null)) return true;
    if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
      return JSON.stringify(a) === JSON.stringify(b);
    }
    return false;
  }
  // An array field "contains" an element equal to the operand; anything else is text.
  function contains(a, b) {
    if (Array.isArray(a)) {
      var wanted = toText(b);
      return a.some(function (item) {
        return toText(item) === wanted;
      });
    }
    return toText(a).indexOf(toText(b)) >= 0;
  }
  var COMPARE = {
    equals: same,
    notequals: function (a, b) {
      return !same(a, b);
    },
    greaterthan: function (a, b) {
      return a > b;
    },
    greaterthanequals: function (a, b) {
      return a >= b;
    },
    lessthan: function (a, b) {
      return a < b;
    },
    lessthanequals: function (a, b) {
      return a <= b;
    },
    startswith: function (a, b) {
      return toText(a).indexOf(toText(b)) === 0;
    },
    endswith: function (a, b) {
      var text = toText(a);
      var end = toText(b);
      return text.length >= end.length && text.slice(text.length - end.length) === end;
    },
    contains: contains,
    doesnotcontain: function (a, b) {
      return !contains(a, b);
    },
  };

  // A regular expression (JavaScript syntax, case-sensitive: SKILL.md gotcha 9) searched
  // for in the left operand's text; a literal pattern compiles once.
  function compileMatches(left, right, patternPath) {
    var fixed = null;
    if (right.constant) {
      fixed = regex(toText(right.get()), function (message) {
        invalid('"matches" needs a valid regular expression: ' + message, patternPath);
      });
    }
    return function (scope) {
      var pattern =
        fixed ||
        regex(toText(right.get(scope)), function (message) {
          T.failRecord(
            'filter_error',
            'the pattern "matches" reads is no regular expression: ' + message,
          );
        });
      return pattern.test(toText(left.get(scope)));
    };
  }
  function regex(source, refuse) {
    try {
      return new RegExp(source);
    } catch (error) {
      return refuse(error.message);
    }
  }

  // --- shared checks

  // Operator names are read case-insensitively, as the UI reads them (util.js).
  function operatorOf(node, path) {
    if (node.length === 0) invalid('an empty expression: expected [operator, operand, ...]', path);
    if (typeof node[0] !== 'string') {
      invalid(
        'an expression starts with its operator name, not ' + JSON.stringify(node[0]),
        pathOf(path, 0),
        'a literal array is no operand; write one value, or an [operator, ...] expression',
      );
    }
    return node[0].toLowerCase();
  }
  function unknownOperator(op, path) {
    if (hasOwn.call(MISSPELT, op)) {
      invalid(
        'integrator.io has no operator "' + op + '"',
        pathOf(path, 0),
        'write "' +
          MISSPELT[op] +
          '" (configuring-filters SKILL.md: the platform knows only empty/notempty)',
      );
    }
    invalid(
      'unknown filter operator "' + op + '"',
      pathOf(path, 0),
      'conditions: ' + CONDITIONS.join(', ') + '; values: ' + VALUES.join(', '),
    );
  }
  function arity(node, op, count, path) {
    if (node.length !== count + 1) {
      invalid(
        '"' +
          op +
          '" takes ' +
          (count === 1 ? 'one operand' : count + ' operands') +
          ', got ' +
          (node.length - 1),
        path,
      );
    }
  }
  function operands(node) {
    return node.slice(1);
  }

  // --- the filter document

  function passAll() {
    return true;
  }

  function compileFilter(filter) {
    if (filter === undefined || filter === null) return passAll;
    if (!T.isPlainObject(filter)) {
      T.fail('a filter is an object: {type: "expression", expression: {version: "1", rules}}', {
        code: 'invalid_filter',
        path: '',
      });
    }
    var type = filter.type === undefined ? 'expression' : filter.type;
    if (type === 'script') {
      T.fail('a script filter runs as a filter hook, not in the transformation engine', {
        code: 'script_filter',
        path: 'type',
        hint: 'run filter.script.function of filter.script._scriptId as a filter hook',
      });
    }
    if (type !== 'expression') {
      invalid('filter.type is "expression" or "script", not ' + JSON.stringify(type), 'type');
    }
    var expression = filter.expression;
    if (expression === undefined || expression === null) return passAll;
    if (!T.isPlainObject(expression))
      invalid('filter.expression is an object {version: "1", rules}', 'expression');
    if (expression.version !== undefined && String(expression.version) !== '1') {
      invalid(
        'filter expressions have version "1" only, not ' + JSON.stringify(expression.version),
        'expression.version',
      );
    }
    var rules = expression.rules;
    if (rules === undefined || rules === null || (Array.isArray(rules) && rules.length === 0))
      return passAll;
    var condition = compileCondition(rules, 'expression.rules');
    return function (record, context) {
      var scope = {
        // Grouped records (an array of rows) are tested on their first row, as the UI's
        // filter editor tests them (processorLogic/filter/index.js).
        record: Array.isArray(record) ? record[0] : record,
        settings: context.settings,
        context: context,
      };
      return condition(scope);
    };
  }

  var compiled = T.memo(1000);
  T.filters = {
    compile: function (filter) {
      return compiled(JSON.stringify(filter === undefined ? null : filter), function () {
        return compileFilter(filter);
      });
    },
  };

  // {filter, records, context} -> per record {data: true|false} (true: the record goes on).
  T.ops.filter = function (request) {
    var test = T.filters.compile(request.filter);
    var context = T.isPlainObject(request.context) ? request.context : {};
    return T.perRecord(request.records || [], function (record) {
      return test(record, context);
    });
  };
})(globalThis.__jsrt_transform);
