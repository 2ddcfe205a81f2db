// Response mapping: a flow step's `responseMapping = {fields[], lists[]}` reads the
// response of a lookup (`{data[], errors[], ignored, statusCode}`) or an import
// (`{id, errors, ignored, statusCode, _json}`) and merges what it maps into the record.
// Sources: celigo/ai writing-mappings/SKILL.md "Response Mapping Reference (Transformation
// 1.0)" and references/schemas/response-mapping.yml (fields: extract/generate in dot
// notation, `data[0].x` / `data[*].x` for lookups, `_json.x` for imports; lists: generate +
// fields per array item); flows-and-mappings.md "Response mapping" (merged like lodash's
// merge). The paths are Mapper 1.0's, so a response mapping is compiled as a Mapper 1.0
// mapping over the response.
//
// Where the documentation is silent (plausible choices): a list whose fields name no array
// (`[*]`) maps one item per element of the lookup's `data` (the import's `_json`, or the one
// `_json` object); a record that is an array of grouped rows gets the result merged into
// each row.
(function (T) {
  'use strict';

  var KINDS = { lookup: 'data', import: '_json' };
  var MANY = /\[\*\]|^\*\./;

  function compile(responseMapping, kind) {
    var items = KINDS[kind];
    if (items === undefined) {
      T.fail('kind must be "lookup" or "import", got ' + JSON.stringify(kind), {
        code: 'invalid_kind',
      });
    }
    if (responseMapping === undefined || responseMapping === null) responseMapping = {};
    if (!T.isPlainObject(responseMapping)) {
      T.fail('responseMapping must be an object with fields and lists', {
        path: 'responseMapping',
        code: 'invalid_mapping',
      });
    }
    var lists = responseMapping.lists;
    if (Array.isArray(lists)) {
      lists = lists.map(function (list) {
        if (!T.isPlainObject(list) || list.jsonPath || !Array.isArray(list.fields)) return list;
        var names = list.fields.some(function (field) {
          return (
            T.isPlainObject(field) && typeof field.extract === 'string' && MANY.test(field.extract)
          );
        });
        return names ? list : Object.assign({}, list, { jsonPath: items });
      });
    }
    try {
      return T.mapper1.compile({
        mapping: { fields: responseMapping.fields, lists: lists },
        lookups: [],
      });
    } catch (error) {
      // Report the definition's own paths: responseMapping.fields[0], not mapping.fields[0].
      if (error instanceof T.DefinitionError) {
        var rename = function (text) {
          return typeof text === 'string' ? text.replace(/^mapping\b/, 'responseMapping') : text;
        };
        error.message = rename(error.message);
        error.details.path = rename(error.details.path);
      }
      throw error;
    }
  }

  // lodash's merge: plain objects key by key, arrays index by index, `undefined` never
  // overwrites; anything else replaces.
  function merge(target, source) {
    if (Array.isArray(source)) {
      var array = Array.isArray(target) ? target : [];
      for (var i = 0; i < source.length; i++) {
        if (source[i] !== undefined) array[i] = merge(array[i], source[i]);
      }
      return array;
    }
    if (T.isPlainObject(source)) {
      var object = T.isPlainObject(target) ? target : {};
      for (var key in source) {
        if (T.hasOwn(source, key) && source[key] !== undefined)
          object[key] = merge(object[key], source[key]);
      }
      return object;
    }
    return source;
  }

  // The record with a response's mapped values merged in; a record that is an array of
  // grouped rows gets them merged into each row. `mapped` itself is never changed nor
  // shared with the record (merge copies objects and arrays), so one response's mapped
  // values can be merged into many records.
  function mergeMapped(record, mapped) {
    if (Array.isArray(record)) {
      return record.map(function (row) {
        return T.isPlainObject(row) ? merge(row, mapped) : row;
      });
    }
    return merge(T.isPlainObject(record) ? record : {}, mapped);
  }

  function apply(responseMapping, record, response, kind) {
    return mergeMapped(record, compile(responseMapping, kind)(response, {}));
  }

  T.responseMapping = { apply: apply, merge: merge };

  // op `responseMap` {responseMapping, record, response, kind} -> the record with the
  // mapped response merged in. A value the mapping cannot take fails the op.
  T.ops.responseMap = function (request) {
    try {
      return apply(request.responseMapping, request.record, request.response, request.kind);
    } catch (error) {
      if (error instanceof T.RecordError) return T.fail(error.message, { code: error.code });
      throw error;
    }
  };

  // op `responseMapPage` {responseMapping, records, responses, answers?, kind} -> one
  // outcome per record, `{data}` (the record with its own response merged in) or
  // `{errors}` (a value the mapping cannot take fails that record only): a page in one
  // call. Without `answers`, response i is record i's; with it, `answers[i]` is the
  // position in `responses` of record i's, so records answered alike (a lookup's mock
  // answers every record alike) send their response once and have it mapped once.
  T.ops.responseMapPage = function (request) {
    var records = request.records;
    var responses = request.responses;
    var answers = request.answers;
    if (!Array.isArray(records) || !Array.isArray(responses)) {
      T.fail('records and responses must be arrays', { code: 'invalid_request' });
    }
    if (answers === undefined && responses.length !== records.length) {
      T.fail('one response per record is needed: ' + records.length + ' records, ' +
        responses.length + ' responses', { code: 'invalid_request' });
    }
    if (answers !== undefined && !answersFit(answers, records.length, responses.length)) {
      T.fail('answers must hold, for each record, the position of its response', {
        code: 'invalid_request',
      });
    }
    var mapResponse = null;
    var mapped = new Array(responses.length);
    return T.perRecord(records, function (record, index) {
      var at = answers === undefined ? index : answers[index];
      var done = mapped[at];
      if (done === undefined) {
        if (mapResponse === null) mapResponse = compile(request.responseMapping, request.kind);
        try {
          done = { value: mapResponse(responses[at], {}) };
        } catch (error) {
          if (!(error instanceof T.RecordError)) throw error;
          done = { error: error };
        }
        mapped[at] = done;
      }
      if (done.error !== undefined) throw done.error;
      return mergeMapped(record, done.value);
    });
  };

  // op `responseMapValues` {responseMapping, responses, kind} -> per response, what
  // its mapping gives, `{data, exact}`, or `{errors}` when a value the mapping cannot
  // take fails it. The caller merges `data` into each record answered with it
  // (jsrt/transform/response_mapping.py, the same merge as above) when `exact`: when
  // JSON carries `data` as merge reads it. An array entry left undefined (`data[*].x`
  // where an answer lacks `x`) leaves the record's own entry in place, but JSON would
  // carry it as null: such a response is not exact and its records go through
  // `responseMapPage`.
  T.ops.responseMapValues = function (request) {
    if (!Array.isArray(request.responses)) {
      T.fail('responses must be an array', { code: 'invalid_request' });
    }
    var mapResponse = null;
    return T.perRecord(request.responses, function (response) {
      if (mapResponse === null) mapResponse = compile(request.responseMapping, request.kind);
      return mapResponse(response, {});
    }).map(function (outcome) {
      return outcome.errors ? outcome : { data: outcome.data, exact: survivesJson(outcome.data) };
    });
  };

  // Whether no array inside `value` holds undefined (or a hole).
  function survivesJson(value) {
    if (Array.isArray(value)) {
      for (var i = 0; i < value.length; i++) {
        if (value[i] === undefined || !survivesJson(value[i])) return false;
      }
      return true;
    }
    if (value !== null && typeof value === 'object') {
      for (var key in value) {
        if (T.hasOwn(value, key) && !survivesJson(value[key])) return false;
      }
    }
    return true;
  }

  function answersFit(answers, records, responses) {
    if (!Array.isArray(answers) || answers.length !== records) return false;
    for (var i = 0; i < answers.length; i++) {
      var at = answers[i];
      if (typeof at !== 'number' || at !== Math.floor(at) || at < 0 || at >= responses) return false;
    }
    return true;
  }
})(globalThis.__jsrt_transform);
