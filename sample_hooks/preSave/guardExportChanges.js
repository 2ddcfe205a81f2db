import dayjs from 'dayjs'

/*
 * preSave: house rules for Shopify exports, applied whenever one is saved.
 *
 * - pageSize is capped at 100: Shopify's REST API answers at most 250 per call and
 *   large pages made preSavePage hooks run into their time limit.
 * - an existing export may not move to another connection: its delta state and error
 *   history belong to the old one. Create a new export instead.
 * - the saver's note is kept in the description, with the date of the change.
 */
const MAX_PAGE_SIZE = 100

function preSave (options) {
  const next = options.newResource
  const before = options.oldResource

  if (before && before._connectionId !== next._connectionId) {
    throw new Error(`export "${before.name}" cannot move from connection ${before._connectionId} to ${next._connectionId}: create a new export instead`)
  }

  const saved = { ...next }
  if (!saved.pageSize || saved.pageSize > MAX_PAGE_SIZE) {
    console.log(`pageSize ${saved.pageSize} set to ${MAX_PAGE_SIZE}`)
    saved.pageSize = MAX_PAGE_SIZE
  }
  if (next.changeNote) {
    saved.description = `${dayjs(next.lastModified).format('YYYY-MM-DD')}: ${next.changeNote}`
    delete saved.changeNote
  }
  return saved
}
