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

  function apply(responseMapping, record, response, kind) {
    var mapped = compile(responseMapping, kind)(response, {});
    if (Array.isArray(record)) {
      return record.map(function (row) {
        return T.isPlainObject(row) ? merge(row, JSON.parse(JSON.stringify(mapped))) : row;
      });
    }
    return merge(T.isPlainObject(record) ? record : {}, mapped);
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

  // op `responseMapPage` {responseMapping, records, responses, kind} -> one outcome per
  // record, `{data}` (the record with its own response merged in) or `{errors}` (a value
  // the mapping cannot take fails that record only): a page in one call.
  T.ops.responseMapPage = function (request) {
    var responses = request.responses;
    if (!Array.isArray(request.records) || !Array.isArray(responses)) {
      T.fail('records and responses must be arrays', { code: 'invalid_request' });
    }
    if (responses.length !== request.records.length) {
      T.fail('one response per record is needed: ' + request.records.length + ' records, ' +
        responses.length + ' responses', { code: 'invalid_request' });
    }
    return T.perRecord(request.records, function (record, index) {
      return apply(request.responseMapping, record, responses[index], request.kind);
    });
  };
})(globalThis.__jsrt_transform);
