/*
 * filter: called once for each record; decides whether the record goes on.
 *
 * options:
 *   record     the record (an object, or an array for grouped data)
 *   pageIndex  the page the record came in
 *   lastExportDateTime, currentExportDateTime  delta window (ISO strings)
 * <hook context>
 *
 * Return true to keep the record, false to drop it (a strict boolean).
 * A throw fails this record only.
 */
function filter (options) {
  return true
}
