// Mapper 1.0: `import.mapping = {fields[], lists[]}` with the import's lookups.
// Sources: celigo/ai writing-mappings/SKILL.md "Mapper 1.0 Reference" and
// configuring-imports/references/schemas/netsuitedistributed.yml (`mapping.fields[]`,
// `mapping.lists[]`: extract, generate, hardCodedValue, lookupName, dataType, immutable,
// discardIfEmpty, conditional {when, lookupName}, jsonPath, isKey); the UI
// (singh-gurkawalbir/demo src/utils/mapping/index.js: a list field is the flat field
// `<list.generate>[*].<field.generate>`, a name with special characters is wrapped as
// `[Name]` with `\]` escaping a bracket, `*.` prefixes a field of grouped rows, `{{` makes
// an extract a Handlebars expression); flows-and-mappings.md "Mapper 1.0".
//
// Paths are integrator.io's field paths, not JSONPath: steps split by `.`, a step may be
// `[any text]`, `name[*]` walks each element of an array and `name[0]` one element; a path
// starting `*.` reads each of the grouped rows (a record that is an array of rows).
//
// Where the documentation is silent (the choices below are the plausible ones):
// - a plain path over grouped rows reads the first row (QA fixture DLtoShopify: "Quantity"
//   beside `*.[Item Name]` fields);
// - a path that finds nothing leaves the field out (JSON has no undefined);
// - a list's items: one per element of `jsonPath` (its fields' extracts then read each
//   element), else one per value of its fields' multi-value extracts (`a[*].b`,
//   `*.[Field]`), the longest deciding, else one item; a single-value field gives every
//   item the same value;
// - `record_created` / `record_updated` / `immutable` read `context.operation`
//   ('create' | 'update'; absent means create: an import with no existing-record check
//   creates); `ignore_if_set` skips a field whose target already holds a value in what
//   was mapped so far or in `context.existingRecord`;
// - `isKey` changes no value (it tells NetSuite which sublist lines to match).
(function (T) {
  'use strict';

  var WHENS = {
    record_created: true,
    record_updated: true,
    extract_not_empty: true,
    lookup_not_empty: true,
    lookup_empty: true,
    ignore_if_set: true,
  };

  // --- paths ------------------------------------------------------------------------------

  // Steps of a field path: {name} | {name, each: true} | {name, index} | {rows: true}.
  function parsePath(text, where) {
    var steps = [];
    var i = 0;
    var fail = function (why) {
      T.fail(where + ': ' + why + ' in the path ' + JSON.stringify(text), {
        path: where,
        code: 'invalid_path',
      });
    };
    if (text.slice(0, 2) === '*.') {
      steps.push({ rows: true });
      i = 2;
    }
    while (i <= text.length) {
      var name = '';
      if (text[i] === '[' && text[i + 1] !== '*' && !/^\[\d+\]/.test(text.slice(i))) {
        i++;
        while (i < text.length && text[i] !== ']') {
          if (text[i] === '\\' && text[i + 1] === ']') i++;
          name += text[i++];
        }
        if (text[i] !== ']') fail('an unclosed [');
        i++;
      } else {
        while (i < text.length && text[i] !== '.' && text[i] !== '[') name += text[i++];
      }
      if (name === '' && steps.length === 0 && text[i] !== '[') fail('an empty step');
      var step = { name: name };
      while (text[i] === '[') {
        var close = text.indexOf(']', i);
        var inside = close < 0 ? '' : text.slice(i + 1, close);
        if (inside === '*') step.each = true;
        else if (/^\d+$/.test(inside)) step.index = Number(inside);
        else fail('expected [*] or [n]');
        i = close + 1;
        if (text[i] === '[') {
          steps.push(step);
          step = { name: '' };
        }
      }
      steps.push(step);
      if (i >= text.length) break;
      if (text[i] !== '.') fail('expected "." after ]');
      i++;
      if (i >= text.length) fail('a trailing "."');
    }
    return steps;
  }

  // One step; a number names an array's element too (`data.0.id`, the dot form of
  // response mapping paths: celigo/ai writing-mappings/SKILL.md "Response Mapping").
  function walk(value, step) {
    if (step.name !== '') {
      if (!T.hasOwn(value, step.name)) return undefined;
      if (Array.isArray(value) && !/^\d+$/.test(step.name)) return undefined;
      value = value[step.name];
    }
    if (step.index !== undefined) return Array.isArray(value) ? value[step.index] : undefined;
    return value;
  }

  // A compiled extract path: `read(record)` -> one value, or an array of values for a
  // multi-value path; `many` says which.
  function compilePath(text, where) {
    var steps = parsePath(text, where);
    var many = steps.some(function (step) {
      return step.rows || step.each;
    });
    var from = function (value, at) {
      for (var s = at; s < steps.length; s++) {
        var step = steps[s];
        if (step.rows) {
          var rows = Array.isArray(value) ? value : [value];
          return rows.map(function (row) {
            return from(row, s + 1);
          });
        }
        value = walk(value, step);
        if (step.each) {
          if (!Array.isArray(value)) return [];
          return value.map(function (item) {
            return from(item, s + 1);
          });
        }
        if (value === undefined || value === null) return value;
      }
      return value;
    };
    return {
      many: many,
      rows: steps[0].rows === true,
      read: function (record) {
        // A plain path over grouped rows reads the first row.
        var start = !many && Array.isArray(record) && steps[0].name !== '' ? record[0] : record;
        return from(start, 0);
      },
    };
  }

  // A generate path: object keys by `.` (a step may be `[any text]`).
  function compileGenerate(text, where) {
    if (typeof text !== 'string' || text === '') {
      T.fail(where + ': generate must be a non-empty string', {
        path: where,
        code: 'invalid_field',
      });
    }
    return parsePath(text, where).map(function (step) {
      if (step.rows || step.each || step.index !== undefined) {
        T.fail(where + ': a field generate cannot hold [*] or an index: ' + JSON.stringify(text), {
          path: where,
          code: 'invalid_field',
        });
      }
      return step.name;
    });
  }

  function getAt(object, keys) {
    var value = object;
    for (var i = 0; i < keys.length; i++) {
      if (!T.isPlainObject(value) || !T.hasOwn(value, keys[i])) return undefined;
      value = value[keys[i]];
    }
    return value;
  }

  function setAt(object, keys, value) {
    var node = object;
    for (var i = 0; i < keys.length - 1; i++) {
      if (!T.isPlainObject(node[keys[i]])) node[keys[i]] = {};
      node = node[keys[i]];
    }
    node[keys[keys.length - 1]] = value;
  }

  // --- data types -------------------------------------------------------------------------

  var TRUE_WORDS = { true: true, 1: true, yes: true, y: true };
  var FALSE_WORDS = { false: true, 0: true, no: true, n: true, '': true };

  function convertOne(value, dataType, generate) {
    if (value === undefined || value === null) return value;
    if (dataType === 'string') {
      return typeof value === 'object' ? JSON.stringify(value) : String(value);
    }
    if (dataType === 'number') {
      var number = typeof value === 'number' ? value : Number(String(value).trim());
      if (typeof value === 'boolean' || String(value).trim() === '' || !isFinite(number)) {
        T.failRecord(
          'invalid_data_type',
          'Cannot convert ' +
            JSON.stringify(value) +
            ' to a number for the field ' +
            JSON.stringify(generate),
        );
      }
      return number;
    }
    if (dataType === 'boolean') {
      if (typeof value === 'boolean') return value;
      var word = String(value).trim().toLowerCase();
      if (TRUE_WORDS[word]) return true;
      if (FALSE_WORDS[word]) return false;
      return T.failRecord(
        'invalid_data_type',
        'Cannot convert ' +
          JSON.stringify(value) +
          ' to a boolean for the field ' +
          JSON.stringify(generate),
      );
    }
    return value;
  }

  var ARRAY_TYPES = { stringarray: 'string', numberarray: 'number', booleanarray: 'boolean' };

  function compileDataType(dataType, generate, where) {
    if (dataType === undefined || dataType === null || dataType === '') return null;
    if (ARRAY_TYPES[dataType]) {
      var item = ARRAY_TYPES[dataType];
      return function (value) {
        if (value === undefined || value === null) return value;
        return (Array.isArray(value) ? value : [value]).map(function (one) {
          return convertOne(one, item, generate);
        });
      };
    }
    if (dataType === 'string' || dataType === 'number' || dataType === 'boolean') {
      return function (value) {
        if (Array.isArray(value)) {
          return value.map(function (one) {
            return convertOne(one, dataType, generate);
          });
        }
        return convertOne(value, dataType, generate);
      };
    }
    if (typeof dataType !== 'string') {
      T.fail(where + '.dataType must be a string', {
        path: where + '.dataType',
        code: 'invalid_field',
      });
    }
    // Other hints (NetSuite's "date", "select", ...) pass the value through.
    return null;
  }

  // --- fields -----------------------------------------------------------------------------

  // A field compiled into `value(source, record, context)` (what it would write, or
  // undefined when it writes nothing) and `keys` (where). `source` is the record, or a
  // list item's element when the list has a jsonPath.
  function compileField(field, lookups, where, inList) {
    if (!T.isPlainObject(field)) {
      T.fail(where + ': a field mapping must be an object', { path: where, code: 'invalid_field' });
    }
    var keys = compileGenerate(field.generate, where + '.generate');
    var hardCoded = T.hasOwn(field, 'hardCodedValue');
    var extract = null;
    var template = null;
    if (!hardCoded) {
      if (typeof field.extract !== 'string' || field.extract === '') {
        T.fail(where + ': a field needs extract or hardCodedValue', {
          path: where,
          code: 'invalid_field',
        });
      }
      if (field.extract.indexOf('{{') >= 0) {
        if (typeof T.template !== 'function') {
          T.fail(where + ': Handlebars extracts need the template engine', { path: where });
        }
        try {
          template = T.template(field.extract, 'none');
        } catch (error) {
          if (error instanceof T.DefinitionError && !error.details.path) {
            error.message = where + '.extract: ' + error.message;
            error.details.path = where + '.extract';
          }
          throw error;
        }
      } else {
        extract = compilePath(field.extract, where + '.extract');
      }
    }
    var lookup = lookupOf(field.lookupName, lookups, where + '.lookupName');
    var conditional = field.conditional;
    var when = conditional && conditional.when;
    if (when !== undefined && !WHENS[when]) {
      T.fail(where + ': unknown conditional.when ' + JSON.stringify(when), {
        path: where + '.conditional.when',
        code: 'invalid_field',
        hint: 'one of ' + Object.keys(WHENS).join(', '),
      });
    }
    var conditionLookup =
      when === 'lookup_empty' || when === 'lookup_not_empty'
        ? lookupOf(
            conditional.lookupName || field.lookupName,
            lookups,
            where + '.conditional.lookupName',
          )
        : null;
    if ((when === 'lookup_empty' || when === 'lookup_not_empty') && !conditionLookup) {
      T.fail(where + ': conditional.when ' + when + ' needs conditional.lookupName', {
        path: where + '.conditional.lookupName',
        code: 'invalid_field',
      });
    }
    var convert = compileDataType(field.dataType, field.generate, where);
    var discardIfEmpty = field.discardIfEmpty === true;
    var immutable = field.immutable === true;
    var useFirstRow = inList && field.useFirstRow === true;

    var extracted = function (source, record, context, item) {
      if (hardCoded) return field.hardCodedValue;
      if (template) {
        // The record's fields at the top of the context (the first row's, for grouped
        // rows); the mapping's lookups serve `{{lookup "name" value}}`.
        var scope = T.isPlainObject(source) ? source : Array.isArray(source) ? source[0] : {};
        return template(scope, { lookups: lookups, record: record });
      }
      var value = extract.read(source);
      if (!extract.many || !Array.isArray(value)) return value;
      // Grouped rows into a body field: the first row's value (QA fixture DLtoShopify:
      // `*.id` -> `id`); into a list field: the item's row, or the first with useFirstRow
      // (the UI's list-field setting for grouped file data).
      if (!inList) return extract.rows ? value[0] : value;
      if (useFirstRow) return value[0];
      return item === undefined ? value : value[item];
    };

    return {
      keys: keys,
      many: extract !== null && extract.many,
      useFirstRow: useFirstRow,
      read: extract,
      when: when,
      // The field's value for this record (and list item), or SKIP.
      value: function (source, record, context, item, written) {
        var operation = context.operation === 'update' ? 'update' : 'create';
        if (when === 'record_created' && operation !== 'create') return SKIP;
        if (when === 'record_updated' && operation !== 'update') return SKIP;
        if (immutable && operation === 'update') return SKIP;
        if (when === 'ignore_if_set') {
          if (!T.isEmpty(getAt(written, keys))) return SKIP;
          if (item === undefined && !T.isEmpty(getAt(context.existingRecord, keys))) return SKIP;
        }
        var raw = extracted(source, record, context, item);
        if (when === 'extract_not_empty' && T.isEmpty(raw)) return SKIP;
        if (conditionLookup) {
          var found = tryLookup(
            lookups,
            conditionLookup,
            hardCoded ? undefined : raw,
            record,
            context,
          );
          if ((when === 'lookup_empty') !== T.isEmpty(found)) return SKIP;
        }
        var value = raw;
        if (lookup) value = lookups.apply(lookup, value, record, context);
        if (convert) value = convert(value);
        if (value === undefined) return SKIP;
        if (discardIfEmpty && T.isEmpty(value)) return SKIP;
        return value;
      },
    };
  }

  var SKIP = {};

  function lookupOf(name, lookups, where) {
    if (name === undefined || name === null || name === '') return null;
    var lookup = lookups.byName(name);
    if (lookup === undefined) {
      T.fail(where + ': no lookup named ' + JSON.stringify(name), {
        path: where,
        code: 'unknown_lookup',
      });
    }
    return lookup;
  }

  // A condition's lookup: a lookup that finds nothing is "empty", never a failed record.
  function tryLookup(lookups, lookup, value, record, context) {
    try {
      return lookups.apply(lookup, value, record, context);
    } catch (error) {
      if (error instanceof T.RecordError) return undefined;
      throw error;
    }
  }

  // --- lists ------------------------------------------------------------------------------

  function compileList(list, lookups, where) {
    if (!T.isPlainObject(list)) {
      T.fail(where + ': a list mapping must be an object', { path: where, code: 'invalid_list' });
    }
    var keys = compileGenerate(list.generate, where + '.generate');
    if (!Array.isArray(list.fields)) {
      T.fail(where + '.fields must be a list', { path: where + '.fields', code: 'invalid_list' });
    }
    // With a jsonPath, each item reads one element of that array ("$.items", "items[*]",
    // or "*" / "$" for the grouped rows themselves), and a field's extract reads the
    // element; `items[*].sku` then names the element's `sku`, as the flat form does.
    var elements = null;
    var prefix = null;
    if (list.jsonPath !== undefined && list.jsonPath !== null && list.jsonPath !== '') {
      if (typeof list.jsonPath !== 'string') {
        T.fail(where + '.jsonPath must be a string', {
          path: where + '.jsonPath',
          code: 'invalid_list',
        });
      }
      var arrayPath = list.jsonPath.replace(/^\$\.?/, '').replace(/\[\*\]$/, '');
      if (arrayPath === '' || arrayPath === '*') {
        elements = {
          read: function (record) {
            return record;
          },
        };
        prefix = '*.';
      } else {
        elements = compilePath(arrayPath, where + '.jsonPath');
        prefix = arrayPath + '[*].';
      }
    }
    var fields = list.fields.map(function (field, index) {
      var at = where + '.fields[' + index + ']';
      if (
        prefix &&
        T.isPlainObject(field) &&
        typeof field.extract === 'string' &&
        field.extract.indexOf(prefix) === 0
      ) {
        field = Object.assign({}, field, { extract: field.extract.slice(prefix.length) });
      }
      if (T.isPlainObject(field) && T.hasOwn(field, 'isKey') && typeof field.isKey !== 'boolean') {
        T.fail(at + '.isKey must be true or false', { path: at + '.isKey', code: 'invalid_list' });
      }
      return compileField(field, lookups, at, true);
    });
    return {
      keys: keys,
      items: function (record, context) {
        var sources = null;
        var count = 1;
        if (elements) {
          var found = elements.read(record);
          sources = Array.isArray(found) ? found : T.isEmpty(found) ? [] : [found];
          count = sources.length;
        } else {
          var longest = 0;
          var any = false;
          for (var f = 0; f < fields.length; f++) {
            if (!fields[f].many || fields[f].useFirstRow) continue;
            any = true;
            var values = fields[f].read.read(record);
            if (Array.isArray(values) && values.length > longest) longest = values.length;
          }
          if (any) count = longest;
        }
        var items = [];
        for (var i = 0; i < count; i++) {
          var item = {};
          var source = sources ? sources[i] : record;
          for (var k = 0; k < fields.length; k++) {
            var value = fields[k].value(source, record, context, sources ? undefined : i, item);
            if (value !== SKIP) setAt(item, fields[k].keys, value);
          }
          items.push(item);
        }
        return items;
      },
    };
  }

  // Fields whose generate is the flat list form `list[*].field` become list fields.
  function splitFlatListFields(mapping) {
    var fields = [];
    var lists = (mapping.lists || []).slice();
    (mapping.fields || []).forEach(function (field) {
      var generate =
        T.isPlainObject(field) && typeof field.generate === 'string' ? field.generate : '';
      var cut = generate.lastIndexOf('[*].');
      if (cut < 0) {
        fields.push(field);
        return;
      }
      var listPath = generate.slice(0, cut).split('[*].').join('.');
      var list = null;
      for (var i = 0; i < lists.length; i++) {
        if (lists[i].generate === listPath && lists[i].flat) list = lists[i];
      }
      if (!list) {
        list = { generate: listPath, fields: [], flat: true };
        lists.push(list);
      }
      list.fields.push(Object.assign({}, field, { generate: generate.slice(cut + 4) }));
    });
    return { fields: fields, lists: lists };
  }

  function compile(definition) {
    var mapping = definition.mapping;
    if (!T.isPlainObject(mapping)) {
      T.fail('mapping must be an object with fields and lists', {
        path: 'mapping',
        code: 'invalid_mapping',
      });
    }
    ['fields', 'lists'].forEach(function (key) {
      if (mapping[key] !== undefined && mapping[key] !== null && !Array.isArray(mapping[key])) {
        T.fail('mapping.' + key + ' must be a list', {
          path: 'mapping.' + key,
          code: 'invalid_mapping',
        });
      }
    });
    var lookups = T.lookups.compile(definition.lookups);
    var flat = splitFlatListFields(mapping);
    var bodyFields = flat.fields.map(function (field, index) {
      return compileField(field, lookups, 'mapping.fields[' + index + ']', false);
    });
    var lists = flat.lists.map(function (list, index) {
      return compileList(list, lookups, 'mapping.lists[' + index + ']');
    });
    return function (input, context) {
      context = context || {};
      var output = {};
      for (var f = 0; f < bodyFields.length; f++) {
        var field = bodyFields[f];
        var value = field.value(input, input, context, undefined, output);
        if (value === SKIP) continue;
        // A multi-value extract into a body field keeps its values as a list.
        setAt(output, field.keys, value);
      }
      for (var l = 0; l < lists.length; l++) {
        var items = lists[l].items(input, context);
        var existing = getAt(output, lists[l].keys);
        if (Array.isArray(existing)) {
          items.forEach(function (item, i) {
            existing[i] = Object.assign(existing[i] || {}, item);
          });
        } else {
          setAt(output, lists[l].keys, items);
        }
      }
      return output;
    };
  }

  var compiled = T.memo(500);
  T.mapper1 = {
    compile: function (definition) {
      return compiled(JSON.stringify([definition.mapping, definition.lookups]), function () {
        return compile(definition);
      });
    },
  };
})(globalThis.__jsrt_transform);
