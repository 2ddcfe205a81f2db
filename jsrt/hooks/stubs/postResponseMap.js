/*
 * postResponseMap: called once per page on a lookup or import step of a flow, after
 * response mapping has merged the step's results into the records.
 *
 * options:
 *   postResponseMapData  the records after response mapping
 *   responseData   one response per record (lookups: {data, errors};
 *                  imports: {statusCode, id, errors, _json, dataURI})
 *   oneToMany, pathToMany   set when the step processes child records
 *   _exportId or _importId  the step's export (lookup) or import
 * <hook context>
 *
 * Return a flat array of records exactly as long as options.postResponseMapData
 * (not {data: [...]}). A throw fails the whole page.
 */
function postResponseMap (options) {
  return options.postResponseMapData
}
