/*
 * branching: called once for each record at a router, to choose its branches.
 *
 * options:
 *   record  the record (an object, or an array for grouped data)
 * <hook context>
 *
 * Return the index of the branch to take (0 is the first), or an array of indexes
 * for several branches, e.g. [0, 2]. A throw fails this record only.
 */
function branching (options) {
  return [0]
}
