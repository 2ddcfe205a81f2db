/*
 * postAggregate: called once on a file import, after the aggregated file is uploaded
 * (not called when skipAggregation is true).
 *
 * options:
 *   postAggregateData  {success, _json, code, message, source} of the upload
 *   _importId          the import this hook belongs to
 * <hook context>
 *
 * The return value is ignored. A throw is reported as a fatal error.
 */
function postAggregate (options) {
}
