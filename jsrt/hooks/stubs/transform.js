/*
 * transform: called once for each record, to reshape it.
 *
 * options:
 *   record  the record (an object, or an array for grouped data)
 * <hook context>
 *
 * Return the transformed record. A throw fails this record only.
 */
function transform (options) {
  return options.record
}
