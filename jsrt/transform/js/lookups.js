// Lookups: integrator.io's value-to-value translations, used by mappings (a node's or a
// field's `lookupName`), transforms and Handlebars' `lookup` helper. Three kinds:
// - static: `map` (celigo/ai writing-mappings/references/schemas/lookups.yml);
// - lookup cache: `_lookupCacheId` + optional `extract` (same schema): the entry whose key
//   is the value, asked of the caller with T.ask('lookupCache', {cacheId, keys});
// - dynamic: an HTTP request (`relativeURI`, `method`, `body`/`postBody`, `extract`) or a
//   NetSuite search (`recordType`, `searchField`/`expression`, `resultField`), or a
//   Salesforce query (`sObjectType`, `whereClause`, `resultField`; writing-mappings SKILL.md:
//   Salesforce's Mapper 1.0 lookups are shaped like NetSuite's)
//   (flows-and-mappings.md "Lookups"): what the request answers is asked of the caller with
//   T.ask('dynamicLookup', {lookup, record, value}); the engine then reads the result.
// A lookup that finds nothing: `allowFailures` gives `default`, otherwise the record fails
// (the UI's lookup actions, singh-gurkawalbir/demo src/utils/mapping/index.js
// getDefaultLookupActionValue: `allowFailures: false` fails the record whatever `default`
// holds; `allowFailures: true` with `default` "", null or a value; `useDefaultOnMultipleMatches`
// for dynamic lookups whose search matches more than one record).
(function (T) {
  'use strict';

  var DYNAMIC_KEYS = [
    'relativeURI',
    'recordType',
    'expression',
    'searchField',
    'sObjectType',
    'whereClause',
    'resultField',
  ];

  // 'static' | 'cache' | 'dynamic': a request wins over a `map` (NetSuite lookups keep the
  // static `map` beside the search fields; the UI's `lookup.mode` picks one).
  function kindOf(lookup) {
    if (T.hasOwn(lookup, '_lookupCacheId')) return 'cache';
    for (var i = 0; i < DYNAMIC_KEYS.length; i++) {
      if (T.hasOwn(lookup, DYNAMIC_KEYS[i])) return 'dynamic';
    }
    if (T.hasOwn(lookup, 'map')) return 'static';
    return undefined;
  }

  function describeValue(value) {
    if (value === undefined) return 'no value';
    var text = JSON.stringify(value);
    return text.length > 200 ? text.slice(0, 200) + '…' : text;
  }

  // The key a value is looked up by: maps and caches are keyed by strings (lookups.yml:
  // its keys are strings), so 100 finds "100" and true finds "true".
  function keyOf(value) {
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'object') return undefined;
    return String(value);
  }

  // No match (or more than one where one is needed): the default when failures are
  // allowed, else the record fails. The wording of integrator.io's own message is not
  // documented; this one names the lookup, the value and the fix.
  function miss(lookup, value, multiple) {
    if (
      lookup.allowFailures === true ||
      (multiple && lookup.useDefaultOnMultipleMatches === true)
    ) {
      return lookup['default'];
    }
    var what = multiple ? 'matched more than one record for ' : 'found no match for ';
    return T.failRecord(
      multiple ? 'lookup_multiple_matches' : 'lookup_not_found',
      'Lookup ' +
        JSON.stringify(lookup.name) +
        ' ' +
        what +
        describeValue(value) +
        '. Fix: add the value to the lookup, or set allowFailures with a default',
    );
  }

  // The caller's answer; a question it cannot answer (a Python TransformError crossing the
  // bridge) is the definition's problem, not the record's.
  function ask(kind, payload) {
    try {
      return T.ask(kind, payload);
    } catch (error) {
      if (error && error.name === 'TransformError') {
        // Python's JsrtError text is "message\n  hint: hint": keep the two apart.
        var parts = String(error.message).split('\n  hint: ');
        var details = { code: 'lookup_unanswered' };
        if (parts.length > 1) details.hint = parts.slice(1).join('\n  hint: ');
        return T.fail(parts[0], details);
      }
      throw error;
    }
  }

  function compileStatic(lookup) {
    var map = lookup.map;
    return function (value) {
      var key = keyOf(value);
      if (key !== undefined && T.hasOwn(map, key)) return map[key];
      return miss(lookup, value, false);
    };
  }

  function compileCache(lookup) {
    var read =
      typeof lookup.extract === 'string' && lookup.extract ? T.query(lookup.extract) : null;
    return function (value) {
      var key = keyOf(value);
      if (key === undefined) return miss(lookup, value, false);
      var answer = ask('lookupCache', { cacheId: lookup._lookupCacheId, keys: [key] });
      var entries = (answer && answer.data) || [];
      for (var i = 0; i < entries.length; i++) {
        if (entries[i].key !== key) continue;
        // lookups.yml `extract`: without one, the lookup yields the whole cached value.
        var found = read ? read.get(entries[i].value) : entries[i].value;
        return T.isEmpty(found) ? miss(lookup, value, false) : found;
      }
      return miss(lookup, value, false);
    };
  }

  // What a dynamic lookup's answer yields: an HTTP lookup reads `extract` from the response
  // body (the whole body without one); a NetSuite (or Salesforce) lookup's answer is the
  // list of matching records and it reads `resultField` of the one match.
  function compileDynamic(lookup) {
    var searchesRecords = !T.hasOwn(lookup, 'relativeURI');
    var read =
      typeof lookup.extract === 'string' && lookup.extract ? T.query(lookup.extract) : null;
    var resultField = typeof lookup.resultField === 'string' ? lookup.resultField : null;
    return function (value, record) {
      var answer = ask('dynamicLookup', { lookup: lookup, record: record, value: value });
      var matches;
      if (searchesRecords) {
        matches = Array.isArray(answer) ? answer : T.isEmpty(answer) ? [] : [answer];
        if (resultField) {
          matches = matches.map(function (match) {
            return T.isPlainObject(match) ? match[resultField] : match;
          });
        }
      } else if (read) {
        var found = read.get(answer);
        matches = read.definite ? (T.isEmpty(found) ? [] : [found]) : found;
      } else {
        matches = T.isEmpty(answer) ? [] : [answer];
      }
      matches = matches.filter(function (match) {
        return !T.isEmpty(match);
      });
      if (matches.length === 1) return matches[0];
      return miss(lookup, value, matches.length > 1);
    };
  }

  var COMPILERS = { static: compileStatic, cache: compileCache, dynamic: compileDynamic };

  function check(lookup, index) {
    var at = 'lookups[' + index + ']';
    if (!T.isPlainObject(lookup)) {
      T.fail(at + ': a lookup must be an object, got ' + describeValue(lookup), {
        path: at,
        code: 'invalid_lookup',
      });
    }
    if (typeof lookup.name !== 'string' || !lookup.name) {
      T.fail(at + ': a lookup needs a name (a non-empty string)', {
        path: at + '.name',
        code: 'invalid_lookup',
      });
    }
    var kind = kindOf(lookup);
    if (kind === undefined) {
      T.fail('lookup ' + JSON.stringify(lookup.name) + ' has no map, _lookupCacheId or request', {
        path: at,
        code: 'invalid_lookup',
        hint: 'a static lookup has map: {"in": "out"}; a lookup cache one _lookupCacheId; a dynamic one relativeURI (HTTP) or recordType (NetSuite)',
      });
    }
    if (kind === 'static' && !T.isPlainObject(lookup.map)) {
      T.fail('lookup ' + JSON.stringify(lookup.name) + ': map must be an object', {
        path: at + '.map',
        code: 'invalid_lookup',
      });
    }
    if (kind === 'cache' && (typeof lookup._lookupCacheId !== 'string' || !lookup._lookupCacheId)) {
      T.fail(
        'lookup ' + JSON.stringify(lookup.name) + ': _lookupCacheId must be a non-empty string',
        {
          path: at + '._lookupCacheId',
          code: 'invalid_lookup',
        },
      );
    }
    return kind;
  }

  // `compile(lookups)` -> {byName(name), apply(lookup, value, record, context)}. `apply`
  // translates one value; an array value is translated element by element (a multi-value
  // extract such as `lines[*].sku`). Duplicate names: the UI refuses them; so does this.
  function compile(lookups) {
    if (lookups === undefined || lookups === null) lookups = [];
    if (!Array.isArray(lookups)) {
      T.fail('lookups must be a list, got ' + describeValue(lookups), {
        path: 'lookups',
        code: 'invalid_lookup',
      });
    }
    var byName = new Map();
    var compiled = new Map();
    lookups.forEach(function (lookup, index) {
      var kind = check(lookup, index);
      if (byName.has(lookup.name)) {
        T.fail('duplicate lookup name ' + JSON.stringify(lookup.name), {
          path: 'lookups[' + index + '].name',
          code: 'duplicate_lookup',
        });
      }
      byName.set(lookup.name, lookup);
      compiled.set(lookup, { kind: kind, translate: COMPILERS[kind](lookup) });
    });
    return {
      byName: function (name) {
        return byName.get(name);
      },
      // `lookup`: one of these lookups (from byName) or its name.
      apply: function (lookup, value, record, context) {
        var entry = compiled.get(typeof lookup === 'string' ? byName.get(lookup) : lookup);
        if (entry === undefined) {
          var name = typeof lookup === 'string' ? lookup : lookup && lookup.name;
          return T.fail('unknown lookup ' + describeValue(name), {
            code: 'unknown_lookup',
            hint: 'the lookups defined are: ' + (Array.from(byName.keys()).join(', ') || 'none'),
          });
        }
        if (Array.isArray(value) && entry.kind !== 'dynamic') {
          return value.map(function (item) {
            return entry.translate(item, record, context);
          });
        }
        return entry.translate(value, record, context);
      },
    };
  }

  T.lookups = { compile: compile, kindOf: kindOf };

  // op `lookup` {lookups, name, values: [{value, record}], context}: one lookup applied to
  // each value, as a mapping would; per value outcomes (a lookup tried on its own).
  var compiledLookups = T.memo(200);
  T.ops.lookup = function (request) {
    var lookups = compiledLookups(JSON.stringify(request.lookups || []), function () {
      return compile(request.lookups);
    });
    var lookup = lookups.byName(request.name);
    if (lookup === undefined) lookup = request.name;
    return T.perRecord(request.values || [], function (item) {
      return lookups.apply(lookup, item.value, item.record, request.context || {});
    });
  };
})(globalThis.__jsrt_transform);
