/*
 * preMap: called once per page on an import, before the records are mapped.
 *
 * options:
 *   data       the page: an array of unmapped records
 *   _importId  the import this hook belongs to
 * <hook context>
 *
 * Return an array exactly as long as options.data. Element i decides record i:
 *   {data: record}            map and import it
 *   {errors: [error]}         fail it with these errors ({code, message, source})
 *   {data: record, errors}    import it and also report the errors
 *   {}                        skip it
 * A throw fails the whole page.
 */
function preMap (options) {
  return options.data.map(function (record) {
    return { data: record }
  })
}
