/*
 * postMap: called once per page on an import, after mapping and before submitting.
 *
 * options:
 *   preMapData   the records as they were before mapping
 *   postMapData  the same records after mapping (postMapData[i] comes from preMapData[i])
 *   _importId    the import this hook belongs to
 * <hook context>
 *
 * Return an array exactly as long as options.postMapData, element i being
 * {data: record}, {errors: [error]}, {data: record, errors} or {} (skip the record).
 * A throw fails the whole page.
 */
function postMap (options) {
  return options.postMapData.map(function (record) {
    return { data: record }
  })
}
