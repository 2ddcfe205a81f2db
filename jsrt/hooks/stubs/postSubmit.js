/*
 * postSubmit: called once per page on an import, after the destination answered.
 *
 * options:
 *   preMapData, postMapData  the records before and after mapping
 *   responseData  one response per record: {statusCode, id, ignored, errors, _json, dataURI}
 *                 (statusCode 200 imported, 422 data error, 403 connection offline)
 *   _importId     the import this hook belongs to
 * <hook context>
 *
 * Return options.responseData, the same length, changing elements as needed; the
 * changes reach the flow through response mapping. A throw fails the whole page.
 */
function postSubmit (options) {
  return options.responseData
}
