/*
 * preSavePage: called once for every page of records an export produces, before the
 * page moves on through the flow. Rename the function freely; point the hook at it.
 *
 * options:
 *   data        the page: an array of records (objects, or arrays for grouped data)
 *   errors      errors the export met on this page: [{code, message, source, retryDataKey}]
 *   retryData   retry payloads by retryDataKey: {[key]: {data, stage, traceKey}}
 *   files       file exports only: files[i].fileMeta.fileName is the file of data[i]
 *   pageIndex   0 for the first page
 *   lastExportDateTime, currentExportDateTime  delta window (ISO strings)
 *   _exportId   the export this hook belongs to
 * <hook context>
 *
 * Return {data, errors, abort, newErrorsAndRetryData}:
 *   data      the records to pass on (an array)
 *   errors    the errors to report for this page
 *   abort     true: the export produces no further pages (this page still goes on)
 *   newErrorsAndRetryData  [{retryData: record, errors: [error]}]: failed, retryable records
 * A throw is a fatal error for the page (integrator.io's stub says it stops the flow).
 */
function preSavePage (options) {
  return {
    data: options.data,
    errors: options.errors,
    abort: false,
    newErrorsAndRetryData: []
  }
}
