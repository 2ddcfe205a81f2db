// integrator.io's Handlebars: an isolated environment of the npm handlebars (T.hb) with
// integrator.io's helpers, T.template(source, escape) (compiled once, memoized) and op
// `render`. Sources of each rule are cited beside it: "AI <file>" is the celigo/ai
// repository's skills/writing-handlebars (SKILL.md, references/helpers/<file>.md), "UI" the
// helper signatures in singh-gurkawalbir/demo's handlebarHelpersList.js, "FM" jsrt's
// /work/shared/docs/flows-and-mappings.md summary. Where they are silent, the comment says
// which plausible behaviour was picked.
(function (T) {
  'use strict';
  var hb = T.Handlebars.create();
  T.hb = hb;
  var CryptoJS = globalThis.__jsrt_modules['crypto-js'];
  var moment = T.moment;
  var slice = Array.prototype.slice;
  var hasOwn = Object.prototype.hasOwnProperty;
  // moment's fallback to `new Date(string)` (AI date.md: "Mon Nov 21 2019 20:00:00 GMT+0000"
  // is a documented input) would otherwise print a deprecation warning per call.
  moment.suppressDeprecationWarnings = true;

  // ---- values -------------------------------------------------------------------------

  function isMissing(value) {
    return value === undefined || value === null;
  }
  // Text of a helper's input: AI string.md, "non-string inputs are converted to strings;
  // arrays of primitives become a comma-separated string"; a missing value is empty.
  function text(value) {
    return isMissing(value) ? '' : String(value);
  }
  function isOptions(value) {
    return value !== null && typeof value === 'object' && hasOwn.call(value, 'hash') &&
      hasOwn.call(value, 'data');
  }
  // A record fails (T.failRecord): the helper cannot work on this record's data.
  function fail(name, message) {
    T.failRecord('template_error', 'helper "' + name + '": ' + message);
  }
  // The value at a dotted path (`a.b`, `a.[Field Name]`, `items.0.id`) inside `value`.
  function valueAt(value, path) {
    var steps = String(path).match(/\[[^\]]*\]|[^.[\]]+/g) || [];
    for (var i = 0; i < steps.length; i++) {
      var step = steps[i].charAt(0) === '[' ? steps[i].slice(1, -1) : steps[i];
      if (value === null || typeof value !== 'object' || !hasOwn.call(value, step)) {
        return undefined;
      }
      value = value[step];
    }
    return value;
  }

  // ---- registration ---------------------------------------------------------------------

  // `fn(args, options)` receives the helper's arguments without Handlebars' trailing
  // options object; any JavaScript error inside fails only the record, with the helper's name.
  function helper(names, fn) {
    var wrapped = function () {
      var options = arguments[arguments.length - 1];
      var args = slice.call(arguments, 0, isOptions(options) ? -1 : arguments.length);
      try {
        return fn.call(this, args, isOptions(options) ? options : { hash: {}, data: {} });
      } catch (error) {
        if (error instanceof T.RecordError || error instanceof T.DefinitionError) throw error;
        return fail(names[0], error && error.message ? error.message : String(error));
      }
    };
    names.forEach(function (name) {
      hb.registerHelper(name, wrapped);
    });
  }
  // A helper that works as a block (`{{#and a b}}yes{{else}}no{{/and}}`) and inline
  // (`{{#if (and a b)}}`): the block renders `fn` or `inverse` by `test`'s answer.
  function condition(names, test) {
    helper(names, function (args, options) {
      var answer = test.call(this, args, options);
      if (!options.fn) return answer;
      return answer ? options.fn(this) : options.inverse(this);
    });
  }

  // ---- math (AI math.md; UI: add/subtract/multiply/divide field field) ------------------

  function numbers(args) {
    var out = [];
    args.forEach(function (arg) {
      if (Array.isArray(arg)) out.push.apply(out, numbers(arg));
      else out.push(Number(arg));
    });
    return out;
  }
  function total(values) {
    return values.reduce(function (sum, value) {
      return sum + value;
    }, 0);
  }
  helper(['add'], function (args) {
    return total(numbers(args));
  });
  helper(['subtract'], function (args) {
    var values = numbers(args);
    return values.slice(1).reduce(function (left, right) {
      return left - right;
    }, values[0]);
  });
  helper(['multiply'], function (args) {
    return numbers(args).reduce(function (left, right) {
      return left * right;
    }, 1);
  });
  helper(['divide'], function (args) {
    return Number(args[0]) / Number(args[1]);
  });
  helper(['modulo'], function (args) {
    return Number(args[0]) % Number(args[1]);
  });
  // AI math.md: sum takes an array or several values (arrays are flattened).
  helper(['sum'], function (args) {
    return total(numbers(args));
  });
  helper(['avg'], function (args) {
    var values = numbers(args);
    return values.length ? total(values) / values.length : NaN;
  });
  helper(['abs'], function (args) {
    return Math.abs(Number(args[0]));
  });
  helper(['ceil'], function (args) {
    return Math.ceil(Number(args[0]));
  });
  helper(['floor'], function (args) {
    return Math.floor(Number(args[0]));
  });
  helper(['round'], function (args) {
    return Math.round(Number(args[0]));
  });
  helper(['toFixed'], function (args) {
    return Number(args[0]).toFixed(isMissing(args[1]) ? 0 : Number(args[1]));
  });
  helper(['toPrecision'], function (args) {
    var value = Number(args[0]);
    return isMissing(args[1]) ? value.toPrecision() : value.toPrecision(Number(args[1]));
  });
  helper(['toExponential'], function (args) {
    var value = Number(args[0]);
    return isMissing(args[1]) ? value.toExponential() : value.toExponential(Number(args[1]));
  });
  // AI math.md: random "crypto" | "uuid" | "number" [length = 32]. jsrt draws from
  // Math.random (no secure source in the isolate): the value is random, only its shape
  // (hexadecimal characters, or digits for "number") is what integrator.io documents.
  helper(['random'], function (args) {
    var kind = text(args[0]).toLowerCase();
    var length = isMissing(args[1]) || args[1] === '' ? 32 : Math.floor(Number(args[1]));
    if (!(length >= 0)) fail('random', 'the length must be a number, got ' + JSON.stringify(args[1]));
    var alphabet = { crypto: '0123456789abcdef', uuid: '0123456789abcdef', number: '0123456789' }[kind];
    if (!alphabet) fail('random', 'the kind must be "crypto", "uuid" or "number", got ' + JSON.stringify(args[0]));
    var out = '';
    for (var i = 0; i < length; i++) out += alphabet.charAt(Math.floor(Math.random() * alphabet.length));
    return out;
  });

  // ---- strings (AI string.md; UI) ----------------------------------------------------

  helper(['uppercase', 'toUpperCase'], function (args) {
    return text(args[0]).toUpperCase();
  });
  helper(['lowercase', 'toLowerCase'], function (args) {
    return text(args[0]).toLowerCase();
  });
  helper(['capitalize'], function (args) {
    var value = text(args[0]);
    return value.charAt(0).toUpperCase() + value.slice(1);
  });
  helper(['capitalizeAll'], function (args) {
    return text(args[0]).replace(/(^|\s)(\S)/g, function (all, space, letter) {
      return space + letter.toUpperCase();
    });
  });
  // The words of an identifier-like text: split at non-alphanumerics and at lower-to-upper
  // case boundaries ("getUserProfile" -> get, User, Profile; AI string.md dashcase).
  function words(value) {
    return text(value)
      .trim()
      .replace(/([\p{Ll}\p{N}])(\p{Lu})/gu, '$1 $2')
      .replace(/(\p{Lu}+)(\p{Lu}\p{Ll})/gu, '$1 $2')
      .split(/[^\p{L}\p{N}]+/u)
      .filter(Boolean);
  }
  function upperFirst(word) {
    return word.charAt(0).toUpperCase() + word.slice(1);
  }
  helper(['camelcase'], function (args) {
    return words(args[0])
      .map(function (word, i) {
        word = word.toLowerCase();
        return i ? upperFirst(word) : word;
      })
      .join('');
  });
  helper(['pascalcase'], function (args) {
    return words(args[0])
      .map(function (word) {
        return upperFirst(word.toLowerCase());
      })
      .join('');
  });
  [['snakecase', '_'], ['dashcase', '-'], ['dotcase', '.'], ['pathcase', '/']].forEach(function (pair) {
    helper([pair[0]], function (args) {
      return words(args[0]).join(pair[1]).toLowerCase();
    });
  });
  // AI string.md sentence: lower-case, then capitalise each sentence's first letter.
  helper(['sentence'], function (args) {
    return text(args[0])
      .toLowerCase()
      .replace(/(^\s*|[.!?]\s+)(\p{L})/gu, function (all, before, letter) {
        return before + letter.toUpperCase();
      });
  });
  helper(['trim'], function (args) {
    return text(args[0]).trim();
  });
  helper(['trimLeft'], function (args) {
    return text(args[0]).replace(/^\s+/, '');
  });
  helper(['trimRight'], function (args) {
    return text(args[0]).replace(/\s+$/, '');
  });
  // AI string.md chop: non-alphanumerics at both ends go, the inside stays.
  helper(['chop'], function (args) {
    return text(args[0]).replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
  });
  // AI string.md padLeft/padRight: the length is floored; missing, non-numeric or not
  // positive leaves the value unchanged; the padding repeats and is cut to fit; at most 999999.
  function pad(args, left) {
    var value = text(args[0]);
    var length = Math.floor(Number(args[1]));
    if (!(length > 0)) return value;
    if (length > 999999) fail(left ? 'padLeft' : 'padRight', 'the length is at most 999999');
    var filler = isMissing(args[2]) || args[2] === '' ? ' ' : text(args[2]);
    var missing = length - value.length;
    if (missing <= 0) return value;
    var padding = filler.repeat(Math.ceil(missing / filler.length)).slice(0, missing);
    return left ? padding + value : value + padding;
  }
  helper(['padLeft'], function (args) {
    return pad(args, true);
  });
  helper(['padRight'], function (args) {
    return pad(args, false);
  });
  // AI string.md replace: every occurrence, case-sensitive, no regular expression.
  helper(['replace'], function (args) {
    return text(args[0]).split(text(args[1])).join(text(args[2]));
  });
  helper(['replacefirst'], function (args) {
    var value = text(args[0]);
    var at = value.indexOf(text(args[1]));
    return at < 0 ? value : value.slice(0, at) + text(args[2]) + value.slice(at + text(args[1]).length);
  });
  helper(['removefirst'], function (args) {
    var value = text(args[0]);
    var at = value.indexOf(text(args[1]));
    return at < 0 ? value : value.slice(0, at) + value.slice(at + text(args[1]).length);
  });
  // AI string.md reverse: of a string (UTF-16 code points kept whole) or an array.
  helper(['reverse'], function (args) {
    if (Array.isArray(args[0])) return args[0].slice().reverse();
    return Array.from(text(args[0])).reverse().join('');
  });
  helper(['occurrences'], function (args) {
    var needle = text(args[1]);
    return needle ? text(args[0]).split(needle).length - 1 : 0;
  });
  // AI string.md sanitize: tags go, their text stays.
  helper(['sanitize'], function (args) {
    return text(args[0]).replace(/<[^>]*>/g, '');
  });
  // AI string.md truncateWords: limit words then the suffix (default "…"); more words
  // than the limit only; a negative or non-numeric limit gives an empty result.
  helper(['truncateWords'], function (args) {
    var value = text(args[0]);
    var limit = Number(args[1]);
    if (isMissing(args[1]) || !(limit >= 0)) return '';
    var suffix = isMissing(args[2]) ? '…' : text(args[2]);
    var list = value.trim().split(/\s+/).filter(Boolean);
    if (list.length <= limit) return value;
    return list.slice(0, Math.floor(limit)).join(' ') + suffix;
  });
  // AI string.md substring: start inclusive, end exclusive (String.prototype.substring).
  helper(['substring'], function (args) {
    var value = text(args[0]);
    return isMissing(args[2]) ? value.substring(Number(args[1]) || 0)
      : value.substring(Number(args[1]) || 0, Number(args[2]));
  });
  // AI string.md split: the part at `index` (default 0); out of range is empty.
  helper(['split'], function (args) {
    var parts = text(args[0]).split(text(args[1]));
    var index = isMissing(args[2]) ? 0 : Number(args[2]);
    var part = parts[index];
    return isMissing(part) ? '' : part;
  });
  // AI string.md join: the delimiter first, then any number of values; arrays are
  // joined element by element.
  helper(['join'], function (args) {
    var items = [];
    args.slice(1).forEach(function (arg) {
      if (Array.isArray(arg)) items.push.apply(items, arg.map(text));
      else items.push(text(arg));
    });
    return items.join(text(args[0]));
  });

  // ---- regular expressions (AI regex.md; UI: regexReplace field1 field2 regex options) ---

  function regex(name, pattern, flags) {
    try {
      return new RegExp(text(pattern), text(flags));
    } catch (error) {
      return fail(name, 'invalid regular expression ' + JSON.stringify(text(pattern)) + ' with flags ' +
        JSON.stringify(text(flags)) + ': ' + error.message);
    }
  }
  // AI regex.md: the match at `index` (default 0) among all the matches ("IDs: 12345 and
  // 67890" with index 1 gives 67890 even without the g flag); no match is empty.
  // The recipe {{regexMatch field "(?<=\()(.*?)(?=\))" "g"}} (regex.md) gives its flags
  // where the index goes: text that is not a number there, with no flags after, is the flags.
  helper(['regexMatch'], function (args) {
    if (typeof args[2] === 'string' && args[2] !== '' && isNaN(Number(args[2])) && isMissing(args[3])) {
      args = [args[0], args[1], 0, args[2]];
    }
    var flags = text(args[3]);
    var pattern = regex('regexMatch', args[1], flags.indexOf('g') < 0 ? flags + 'g' : flags);
    var matches = text(args[0]).match(pattern) || [];
    var match = matches[isMissing(args[2]) || args[2] === '' ? 0 : Number(args[2])];
    return isMissing(match) ? '' : match;
  });
  helper(['regexReplace'], function (args) {
    return text(args[0]).replace(regex('regexReplace', args[2], args[3]), text(args[1]));
  });
  helper(['regexSearch'], function (args) {
    return text(args[0]).search(regex('regexSearch', args[1], args[2]));
  });

  // ---- dates (AI date.md; moment tokens, IANA zones, UTC by default) -------------------

  function zone(name, value) {
    if (isMissing(value) || value === '') return null;
    if (!moment.tz.zone(String(value))) fail(name, 'unknown time zone ' + JSON.stringify(value));
    return String(value);
  }
  // The moment a helper's date means: a number is epoch milliseconds; text is read with
  // `format` when given, else as ISO 8601 (or what Date reads, as moment falls back), in UTC
  // unless it carries an offset.
  function instant(value, format) {
    if (typeof value === 'number') return moment.utc(value);
    if (format) return moment.utc(text(value), String(format));
    return moment.utc(text(value));
  }
  // AI date.md dateFormat outputFormat date [inputFormat] [timezone]. A missing date is
  // empty (documentation silent); an unreadable one is moment's "Invalid date".
  helper(['dateFormat'], function (args) {
    var tz = zone('dateFormat', args[3]);
    if (isMissing(args[1]) || args[1] === '') return '';
    var when = instant(args[1], args[2]);
    if (tz && when.isValid()) when = when.tz(tz);
    return isMissing(args[0]) || args[0] === '' ? when.format() : when.format(String(args[0]));
  });
  // AI date.md dateAdd date [offset ms] [timezone]: ISO 8601 in UTC
  // ("2025-03-27T12:34:56.000Z"), or with the zone's offset ("2025-03-27T08:00:00.000+08:00").
  helper(['dateAdd'], function (args) {
    var tz = zone('dateAdd', args[2]);
    if (isMissing(args[0]) || args[0] === '') return '';
    var offset = isMissing(args[1]) || args[1] === '' ? 0 : Number(args[1]);
    if (isNaN(offset)) fail('dateAdd', 'the offset must be milliseconds, got ' + JSON.stringify(args[1]));
    var when = instant(args[0]).add(offset, 'ms');
    if (!when.isValid()) return 'Invalid date';
    return tz ? when.tz(tz).format('YYYY-MM-DDTHH:mm:ss.SSSZ') : when.toISOString();
  });
  // AI date.md timestamp [format] [timezone]: now, ISO 8601 by default, in UTC by default
  // (date.md also says imports default to the account owner's zone: jsrt has no owner
  // profile, so it is UTC unless the zone is given).
  helper(['timestamp'], function (args) {
    var tz = zone('timestamp', args[1]);
    var now = tz ? moment.utc().tz(tz) : moment.utc();
    return isMissing(args[0]) || args[0] === '' ? now.format() : now.format(String(args[0]));
  });

  // ---- encodings (AI encoding.md) --------------------------------------------------------

  var byteEncodings = {
    utf8: CryptoJS.enc.Utf8,
    'utf-8': CryptoJS.enc.Utf8,
    base64: CryptoJS.enc.Base64,
    hex: CryptoJS.enc.Hex,
    latin1: CryptoJS.enc.Latin1,
    binary: CryptoJS.enc.Latin1,
    ascii: CryptoJS.enc.Latin1,
    ucs2: CryptoJS.enc.Utf16LE,
    'ucs-2': CryptoJS.enc.Utf16LE,
    utf16le: CryptoJS.enc.Utf16LE,
    'utf-16le': CryptoJS.enc.Utf16LE,
  };
  function byteEncoding(name, value, fallback) {
    var key = isMissing(value) || value === '' ? fallback : String(value).toLowerCase();
    if (!hasOwn.call(byteEncodings, key)) {
      fail(name, 'unsupported encoding ' + JSON.stringify(value) + ' (one of ' + Object.keys(byteEncodings).join(', ') + ')');
    }
    return byteEncodings[key];
  }
  // AI encoding.md base64Encode: the UTF-8 bytes of the text, in base64 by default or in
  // the encoding named ({{{base64Encode "Hello" "hex"}}} is 48656c6c6f).
  helper(['base64Encode'], function (args) {
    return CryptoJS.enc.Utf8.parse(text(args[0])).toString(byteEncoding('base64Encode', args[1], 'base64'));
  });
  // AI encoding.md base64Decode: base64 text decoded to UTF-8 by default or the encoding named.
  helper(['base64Decode'], function (args) {
    var bytes = CryptoJS.enc.Base64.parse(text(args[0]).replace(/\s+/g, ''));
    return bytes.toString(byteEncoding('base64Decode', args[1], 'utf8'));
  });
  // AI encoding.md encodeURI: ", / ? : @ & = + $ #" and spaces are percent-encoded, i.e.
  // encodeURIComponent; decodeURI gives back text that is not valid percent-encoding as is.
  helper(['encodeURI'], function (args) {
    return encodeURIComponent(text(args[0]));
  });
  helper(['decodeURI'], function (args) {
    try {
      return decodeURIComponent(text(args[0]));
    } catch (error) {
      return text(args[0]);
    }
  });
  var htmlEntities = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
  helper(['htmlEncode'], function (args) {
    return text(args[0]).replace(/[&<>"']/g, function (c) {
      return htmlEntities[c];
    });
  });
  var namedEntities = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };
  helper(['htmlDecode'], function (args) {
    return text(args[0]).replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, function (all, name) {
      if (name.charAt(0) === '#') {
        var code = name.charAt(1).toLowerCase() === 'x' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
        return code <= 0x10ffff ? String.fromCodePoint(code) : all;
      }
      var known = namedEntities[name.toLowerCase()];
      return known === undefined ? all : known;
    });
  });
  // AI encoding.md jsonEncode: a string's JSON escaping without the quotes; other
  // primitives as they are; objects and arrays "[object Object]".
  helper(['jsonEncode'], function (args) {
    var value = args[0];
    if (isMissing(value)) return '';
    if (typeof value === 'string') return JSON.stringify(value).slice(1, -1);
    if (typeof value === 'object') return '[object Object]';
    return String(value);
  });
  helper(['jsonSerialize', 'jsonStringify'], function (args) {
    var json = JSON.stringify(args[0]);
    return json === undefined ? '' : json;
  });
  helper(['jsonParse'], function (args) {
    if (typeof args[0] !== 'string') return args[0];
    try {
      return JSON.parse(args[0]);
    } catch (error) {
      return fail('jsonParse', 'the value is not JSON: ' + error.message);
    }
  });
  helper(['stripProtocol'], function (args) {
    return text(args[0]).replace(/^[a-z][a-z0-9+.-]*:(?=\/\/)/i, '');
  });
  helper(['stripQuerystring'], function (args) {
    var value = text(args[0]);
    var at = value.indexOf('?');
    return at < 0 ? value : value.slice(0, at);
  });

  // ---- hashes (AI auth.md; crypto-js, the digests Node's crypto names) ------------------

  var digests = {
    md5: 'MD5', sha1: 'SHA1', sha224: 'SHA224', sha256: 'SHA256', sha384: 'SHA384',
    sha512: 'SHA512', ripemd160: 'RIPEMD160',
  };
  function digest(name, algorithm) {
    var key = text(algorithm).toLowerCase().replace(/-/g, '');
    if (!hasOwn.call(digests, key)) {
      fail(name, 'unsupported algorithm ' + JSON.stringify(algorithm) + ' (one of ' + Object.keys(digests).join(', ') + ')');
    }
    return digests[key];
  }
  // AI auth.md hash algorithm encoding field.
  helper(['hash'], function (args) {
    var hasher = CryptoJS[digest('hash', args[0])];
    return hasher(CryptoJS.enc.Utf8.parse(text(args[2]))).toString(byteEncoding('hash', args[1], 'hex'));
  });
  // AI auth.md hmac algorithm key encoding field [keyEncoding = utf8].
  helper(['hmac'], function (args) {
    var hmac = CryptoJS['Hmac' + digest('hmac', args[0])];
    var key = byteEncoding('hmac', args[4], 'utf8').parse(text(args[1]));
    return hmac(CryptoJS.enc.Utf8.parse(text(args[3])), key).toString(byteEncoding('hmac', args[2], 'hex'));
  });
  // AI auth.md aws4 signs the request being sent (method, URL, headers, body): jsrt renders
  // templates without that request, so it refuses rather than give a wrong signature.
  helper(['aws4'], function () {
    fail('aws4', 'AWS Signature Version 4 is not emulated by jsrt (it signs the live request)');
  });

  // ---- arrays and values (AI array.md, type-logic.md, format.md) ------------------------

  helper(['after'], function (args) {
    return Array.isArray(args[0]) ? args[0].slice(Number(args[1]) || 0) : '';
  });
  helper(['before'], function (args) {
    if (!Array.isArray(args[0])) return '';
    return args[0].slice(0, Math.max(0, args[0].length - (Number(args[1]) || 0)));
  });
  helper(['arrayify'], function (args) {
    if (Array.isArray(args[0])) return args[0];
    return isMissing(args[0]) ? [] : [args[0]];
  });
  helper(['pluck'], function (args) {
    if (!Array.isArray(args[0])) return [];
    return args[0].map(function (item) {
      var value = valueAt(item, args[1]);
      return value === undefined ? null : value;
    });
  });
  // AI array.md sort field [number="true"] [reverse="true"]: text order by default.
  helper(['sort'], function (args, options) {
    if (!Array.isArray(args[0])) return args[0];
    var numeric = String(options.hash.number) === 'true';
    var sorted = args[0].slice().sort(numeric ? function (a, b) {
      return Number(a) - Number(b);
    } : undefined);
    return String(options.hash.reverse) === 'true' ? sorted.reverse() : sorted;
  });
  helper(['unique'], function (args) {
    if (!Array.isArray(args[0])) return args[0];
    return args[0].filter(function (item, i, all) {
      return all.indexOf(item) === i;
    });
  });
  // AI array.md getValue "path" [default]: the value at the path from the current context
  // (array.md warns it "can fail inside a #each block", as the context changes there);
  // missing or null gives the default.
  helper(['getValue'], function (args) {
    var value = valueAt(this, args[0]);
    return isMissing(value) ? args[1] : value;
  });
  helper(['eq'], function (args) {
    // eslint-disable-next-line eqeqeq
    return args[0] == args[1];
  });
  helper(['isTruthy'], function (args) {
    return !!args[0];
  });
  helper(['isFalsey'], function (args) {
    return !args[0];
  });
  helper(['hasOwn'], function (args) {
    return T.hasOwn(args[0], text(args[1]));
  });
  function emptyCollection(value) {
    if (Array.isArray(value)) return value.length === 0;
    if (T.isPlainObject(value)) return Object.keys(value).length === 0;
    return isMissing(value);
  }
  helper(['hasNoItems'], function (args) {
    return emptyCollection(args[0]);
  });
  helper(['typeOf'], function (args) {
    return Array.isArray(args[0]) ? 'array' : typeof args[0];
  });
  helper(['addCommas'], function (args) {
    if (isMissing(args[0]) || args[0] === '' || isNaN(Number(args[0]))) return '';
    var parts = String(Number(args[0])).split('.');
    parts[0] = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    return parts.join('.');
  });
  // AI format.md bytes: SI units (1000), precision 2 by default, trailing zeros dropped;
  // text that is not a number counts its length.
  helper(['bytes'], function (args) {
    var value = args[0];
    if (isMissing(value)) return '0 B';
    var count = typeof value === 'number' || (value !== '' && !isNaN(Number(value))) ? Number(value) : text(value).length;
    var precision = isMissing(args[1]) ? 2 : Number(args[1]);
    var units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];
    var unit = 0;
    while (unit < units.length - 1 && Math.abs(count) >= Math.pow(1000, unit + 1)) unit++;
    return Number((count / Math.pow(1000, unit)).toFixed(precision)) + ' ' + units[unit];
  });
  helper(['ordinalize'], function (args) {
    var value = text(args[0]);
    var n = Math.abs(parseInt(value, 10));
    if (isNaN(n)) return value;
    var suffix = n % 100 >= 11 && n % 100 <= 13 ? 'th' : { 1: 'st', 2: 'nd', 3: 'rd' }[n % 10] || 'th';
    return value + suffix;
  });

  // integrator.io's lookup (AI array.md: {{lookup "staticLookup" record.field}}; UI: lookup
  // lookupName contextPath): the import's lookup by name applied to the value, through
  // T.lookups at call time. Handlebars' own `lookup obj key` stays for a non-string first
  // argument. `{{lookup.dynName}}` is a path into the context's `lookup`, not this helper.
  helper(['lookup'], function (args, options) {
    if (typeof args[0] !== 'string') {
      return isMissing(args[0]) ? undefined : options.lookupProperty(args[0], args[1]);
    }
    var lookups = compiledLookups(options.data && options.data._jsrtLookups);
    if (!lookups) {
      fail('lookup', 'no lookups are available here to look up ' + JSON.stringify(args[0]) +
        ' (give the template the lookups of the import or export it belongs to)');
    }
    var lookup = lookups.byName(args[0]);
    if (!lookup) fail('lookup', 'there is no lookup named ' + JSON.stringify(args[0]));
    var record = options.data._jsrtRecord !== undefined ? options.data._jsrtRecord : options.data.root;
    return lookups.apply(lookup, args[1], record, options.data.root);
  });

  // ---- block helpers (AI block-helpers.md; UI) -------------------------------------------

  // AI block-helpers.md #compare a operator b: JavaScript's operators on the values as
  // given, so two strings compare as text ("9" > "10" is true, SKILL.md gotcha 4), `==`
  // converts types and `===` does not.
  var comparisons = {
    '==': function (a, b) { return a == b; }, // eslint-disable-line eqeqeq
    '===': function (a, b) { return a === b; },
    '!=': function (a, b) { return a != b; }, // eslint-disable-line eqeqeq
    '!==': function (a, b) { return a !== b; },
    '<': function (a, b) { return a < b; },
    '>': function (a, b) { return a > b; },
    '<=': function (a, b) { return a <= b; },
    '>=': function (a, b) { return a >= b; },
  };
  condition(['compare'], function (args) {
    var compare = comparisons[text(args[1])];
    if (!compare) fail('compare', 'unknown operator ' + JSON.stringify(args[1]) + ' (one of ' + Object.keys(comparisons).join(' ') + ')');
    return compare(args[0], args[2]);
  });
  // AI block-helpers.md #and/#or/#neither/#not: JavaScript truthiness ("0" is true, 0 and ""
  // are false, an empty array is true).
  condition(['and'], function (args) {
    return args.every(Boolean);
  });
  condition(['or'], function (args) {
    return args.some(Boolean);
  });
  condition(['neither'], function (args) {
    return !args[0] && !args[1];
  });
  condition(['not'], function (args) {
    return !args[0];
  });
  condition(['ifEven'], function (args) {
    return Number(args[0]) % 2 === 0;
  });
  // AI block-helpers.md #contains collection value: a substring of text, an element of an array.
  condition(['contains'], function (args) {
    if (Array.isArray(args[0])) return args[0].indexOf(args[1]) >= 0;
    if (isMissing(args[0])) return false;
    return text(args[0]).indexOf(text(args[1])) >= 0;
  });
  // AI block-helpers.md #inArray: simple arrays only, no type conversion ("3" is not 3).
  condition(['inArray'], function (args) {
    if (!Array.isArray(args[0])) return false;
    var simple = args[0].every(function (item) {
      return item === null || typeof item !== 'object';
    });
    return simple && args[0].indexOf(args[1]) >= 0;
  });
  // AI block-helpers.md #isEmpty: empty arrays and objects, missing values and anything
  // that is not an array or object render the main block.
  condition(['isEmpty'], function (args) {
    var value = args[0];
    if (Array.isArray(value)) return value.length === 0;
    if (T.isPlainObject(value)) return Object.keys(value).length === 0;
    return true;
  });
  // AI block-helpers.md #startsWith prefix text: nothing at all when either is missing.
  helper(['startsWith'], function (args, options) {
    if (isMissing(args[0]) || isMissing(args[1])) return '';
    var match = text(args[1]).indexOf(text(args[0])) === 0;
    if (!options.fn) return match;
    return match ? options.fn(this) : options.inverse(this);
  });
  // AI block-helpers.md #some array conditionFn: the names below, written bare or quoted.
  var predicates = {
    isFalsy: function (v) { return !v; },
    isTruthy: function (v) { return !!v; },
    isArray: function (v) { return Array.isArray(v); },
    isString: function (v) { return typeof v === 'string'; },
    isObject: function (v) { return T.isPlainObject(v); },
    isNumber: function (v) { return typeof v === 'number'; },
    isBoolean: function (v) { return typeof v === 'boolean'; },
  };
  condition(['some'], function (args) {
    var test = predicates[text(args[1])];
    if (!test) fail('some', 'the condition must be one of ' + Object.keys(predicates).join(', ') + ', got ' + JSON.stringify(args[1]));
    return Array.isArray(args[0]) && args[0].some(test);
  });
  // AI block-helpers.md #filter array value [property]: the block once per matching
  // element (in its context); no match renders {{else}}; a missing array renders nothing.
  helper(['filter'], function (args, options) {
    if (!Array.isArray(args[0])) return '';
    var out = '';
    var matched = false;
    args[0].forEach(function (item) {
      var value = isMissing(args[2]) ? item : valueAt(item, args[2]);
      if (value !== args[1]) return;
      matched = true;
      out += options.fn ? options.fn(item) : '';
    });
    return matched || !options.inverse ? out : options.inverse(this);
  });

  // ---- compiling ------------------------------------------------------------------------

  var ESCAPES = { body: true, uri: true, none: true };

  // Offsets of each line's start, to turn Handlebars' (line, column) into an offset.
  function lineStarts(source) {
    var starts = [0];
    for (var i = 0; i < source.length; i++) if (source.charAt(i) === '\n') starts.push(i + 1);
    return starts;
  }
  function snippet(source, at) {
    var end = source.indexOf('}}', at);
    return source.slice(at, end < 0 ? Math.min(source.length, at + 20) : end + 2);
  }

  function invalid(message, line, column, hint) {
    var details = { code: 'invalid_template', hint: hint };
    if (line) {
      details.line = line;
      details.column = column;
      message += ' (line ' + line + ', column ' + column + ')';
    }
    T.fail('invalid template: ' + message, details);
  }

  // Walks every node of a Handlebars AST, children first in source order.
  function visit(node, fn) {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      node.forEach(function (child) {
        visit(child, fn);
      });
      return;
    }
    if (typeof node.type !== 'string') return;
    fn(node);
    ['path', 'params', 'hash', 'pairs', 'value', 'program', 'inverse', 'body'].forEach(function (key) {
      if (key === 'value' && node.type !== 'HashPair') return;
      visit(node[key], fn);
    });
  }

  // integrator.io refuses a space right after an opening `{{` or `{{{` (AI
  // syntax-and-recipes.md "Whitespace": `{{ expression}}` is a compile error; FM). Comments,
  // escaped `\{{` and raw blocks' bodies are not mustaches and are not checked.
  function refuseSpaceAfterBraces(source, ast) {
    var starts = lineStarts(source);
    visit(ast, function (node) {
      if (node.type !== 'MustacheStatement' && node.type !== 'BlockStatement' && node.type !== 'PartialStatement') return;
      if (!node.loc) return;
      var at = starts[node.loc.start.line - 1] + node.loc.start.column;
      if (source.substr(at, 2) !== '{{') return;
      var after = at + 2;
      if (source.charAt(after) === '{' && source.charAt(after + 1) !== '{') after += 1;
      if (/\s/.test(source.charAt(after))) {
        invalid('integrator.io refuses a space right after "{{" in ' + JSON.stringify(snippet(source, at)),
          node.loc.start.line, after - starts[node.loc.start.line - 1] + 1,
          'remove the space: write {{name}}, not {{ name}}');
      }
    });
  }

  // A raw block prints its body whatever its name (AI syntax-and-recipes.md: `{{{{raw}}}}`
  // and `{{{{name}}}}` both output their content); Handlebars would call a helper of that
  // name, and render nothing for a name that is no helper.
  hb.registerHelper('__jsrtRawBlock', function (options) {
    return options.fn(this);
  });
  function rawBlocksPrintTheirBody(source, ast) {
    var starts = lineStarts(source);
    visit(ast, function (node) {
      if (node.type !== 'BlockStatement' || !node.loc) return;
      var at = starts[node.loc.start.line - 1] + node.loc.start.column;
      if (source.substr(at, 4) !== '{{{{') return;
      node.path = { type: 'PathExpression', data: false, depth: 0, parts: ['__jsrtRawBlock'], original: '__jsrtRawBlock', loc: node.path.loc };
      node.params = [];
      node.hash = undefined;
    });
  }

  // `{{#some array isTruthy}}`: a bare condition name is a path Handlebars would look up in
  // the context; it is the documented form (AI block-helpers.md), so it becomes its name.
  function someConditionsAsNames(ast) {
    visit(ast, function (node) {
      if ((node.type === 'BlockStatement' || node.type === 'SubExpression' || node.type === 'MustacheStatement') &&
          node.path && node.path.original === 'some' && node.params && node.params[1] &&
          node.params[1].type === 'PathExpression' && hasOwn.call(predicates, node.params[1].original)) {
        var name = node.params[1].original;
        node.params[1] = { type: 'StringLiteral', value: name, original: name, loc: node.params[1].loc };
      }
    });
  }

  // 'uri': `{{x}}` is URL-encoded (AI SKILL.md "In URLs, URL-encodes"; FM) and `{{{x}}}`
  // stays raw. Each escaped mustache becomes an unescaped one whose value goes through
  // __jsrtUriEncode: its expression, as a helper call when it names a helper, else as a value.
  hb.registerHelper('__jsrtUriEncode', function (value) {
    if (value instanceof hb.SafeString) return value.toString();
    return isMissing(value) ? '' : encodeURIComponent(String(value));
  });
  function encodeMustachesForUri(ast) {
    visit(ast, function (node) {
      if (node.type !== 'MustacheStatement' || !node.escaped) return;
      var path = node.path;
      if (!path.parts) {
        path = { type: 'PathExpression', data: false, depth: 0, parts: [path.original + ''], original: path.original + '', loc: path.loc };
      }
      var plain = !node.params.length && !node.hash;
      var isHelper = hb.AST.helpers.simpleId(path) && hasOwn.call(hb.helpers, path.parts[0]);
      var value = plain && !isHelper ? path
        : { type: 'SubExpression', path: path, params: node.params, hash: node.hash, loc: node.loc };
      node.path = { type: 'PathExpression', data: false, depth: 0, parts: ['__jsrtUriEncode'], original: '__jsrtUriEncode', loc: node.loc };
      node.params = [value];
      node.hash = undefined;
      node.escaped = false;
    });
  }

  function parse(source) {
    try {
      return hb.parse(source);
    } catch (error) {
      return compileFailed(source, error);
    }
  }
  // A Handlebars compile error, with its place: Handlebars' own exceptions carry it, its
  // parser's carry it in the message ("Parse error on line 2:") and the lexer's position.
  function compileFailed(source, error) {
    if (error instanceof T.DefinitionError) throw error;
    var message = String(error && error.message || error);
    var line = error && error.lineNumber;
    var column = error && typeof error.column === 'number' ? error.column + 1 : undefined;
    var parsed = /^Parse error on line (\d+):/.exec(message);
    if (parsed) {
      var lexer = T.Handlebars.Parser && T.Handlebars.Parser.lexer;
      var place = lexer && lexer.yylloc;
      line = Number(parsed[1]);
      column = place && place.first_line === line ? place.first_column + 1 : undefined;
      var expecting = /\n(Expecting [^\n]*)$/.exec(message);
      message = 'Handlebars cannot parse it' + (expecting ? ': ' + expecting[1] : '');
    } else {
      message = message.replace(/ - \d+:\d+$/, '');
    }
    return invalid(message, line, line ? column : undefined,
      'check the braces and blocks there: each {{ closes with }}, each {{#block}} with its {{/block}}');
  }

  function compile(source, escape) {
    if (typeof source !== 'string') T.fail('a template must be a string, got ' + typeof source, { code: 'invalid_template' });
    if (!hasOwn.call(ESCAPES, escape)) {
      T.fail('unknown escape mode ' + JSON.stringify(escape) + ' (body, uri or none)', { code: 'invalid_template' });
    }
    var ast = parse(source);
    refuseSpaceAfterBraces(source, ast);
    rawBlocksPrintTheirBody(source, ast);
    someConditionsAsNames(ast);
    if (escape === 'uri') encodeMustachesForUri(ast);
    var options = { data: true, noEscape: escape === 'none' };
    try {
      var environment = new hb.Compiler().compile(ast, options);
      var spec = new hb.JavaScriptCompiler().compile(environment, options, undefined, true);
      var template = hb.template(spec);
      // handlebars 4.7's runtime merges and wraps every registered helper on each call
      // (`_setup`), ~30 us with integrator.io's hundred helpers; the helpers of this
      // environment never change after load, so the set-up is done once, here.
      template._setup({});
      template._setup = function () {};
      return template;
    } catch (error) {
      return compileFailed(source, error);
    }
  }

  var lookupSets = T.memo(200);
  // The lookups a template's `lookup` helper uses: T.lookups' compiled set, or an array of
  // lookup definitions compiled here (once per definition).
  function compiledLookups(lookups) {
    if (!lookups) return null;
    if (typeof lookups.byName === 'function') return lookups;
    if (!Array.isArray(lookups)) T.fail('lookups must be an array of lookup definitions', { code: 'invalid_lookups' });
    if (!T.lookups || typeof T.lookups.compile !== 'function') {
      T.failRecord('template_error', 'helper "lookup": this engine has no lookups support loaded (T.lookups)');
    }
    if (lookups !== lastLookups.raw) {
      lastLookups = {
        raw: lookups,
        compiled: lookupSets(JSON.stringify(lookups), function () {
          return T.lookups.compile(lookups);
        }),
      };
    }
    return lastLookups.compiled;
  }
  // The array of the op being run is the same object for each of its records.
  var lastLookups = { raw: null, compiled: null };

  var templates = T.memo(2000);
  // T.template(source, escape) -> render(context, extra): `extra` may give `lookups` (an
  // array of lookup definitions, or T.lookups.compile's result) and `record` (the record a
  // lookup is applied for; the context otherwise). A helper failing on the data fails the
  // record (T.failRecord 'template_error'); a template that does not compile fails the
  // definition (T.fail, code 'invalid_template'), once, when it is compiled.
  T.template = function (source, escape) {
    escape = escape === undefined ? 'body' : escape;
    return templates(escape + '\u0000' + source, function () {
      var compiled = compile(source, escape);
      return function (context, extra) {
        var data = {};
        if (extra) {
          if (extra.lookups) data._jsrtLookups = extra.lookups;
          if (extra.record !== undefined) data._jsrtRecord = extra.record;
        }
        try {
          return compiled(context, { data: data });
        } catch (error) {
          if (error instanceof T.RecordError || error instanceof T.DefinitionError) throw error;
          return T.failRecord('template_error', String(error && error.message || error));
        }
      };
    });
  };

  // op render {template, context, escape, lookups?, record?} -> {data: text} |
  // {errors: [{code, message}]} (the data failed) | {invalid: {message, code, line, column,
  // hint}} (the template does not compile). With `contexts` (an array) instead of `context`:
  // one outcome per context, {data} or {errors}, a failing one failing only itself.
  T.ops.render = function (request) {
    var render;
    try {
      render = T.template(request.template, request.escape === undefined ? 'body' : request.escape);
    } catch (error) {
      if (!(error instanceof T.DefinitionError)) throw error;
      var invalidTemplate = { message: error.message };
      for (var key in error.details) invalidTemplate[key] = error.details[key];
      return { invalid: invalidTemplate };
    }
    var extra = { lookups: request.lookups, record: request.record };
    if (Array.isArray(request.contexts)) {
      return T.perRecord(request.contexts, function (context) {
        return render(context, { lookups: request.lookups });
      });
    }
    return T.perRecord([request.context === undefined ? {} : request.context], function (context) {
      return render(context, extra);
    })[0];
  };
})(globalThis.__jsrt_transform);
