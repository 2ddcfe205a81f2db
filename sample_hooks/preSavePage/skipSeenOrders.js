import { state } from 'integrator-api'

/*
 * preSavePage: pass on only the orders changed since the last run.
 *
 * The export re-reads a window that overlaps the previous run (the source's clock and
 * ours differ), so the same order can come twice. The newest `updated_at` seen so far is
 * kept in the export's state as a high-water mark: older orders are dropped, and the mark
 * moves forward after each page. An order without `updated_at` cannot be placed against
 * the mark, so it goes back as a retryable error instead of being guessed at.
 */
const MARK_KEY = 'highWaterMark'

function readMark (exportId) {
  const { keys } = state.getKeysForResource({ resourceType: 'exports', _id: exportId })
  if (!keys.includes(MARK_KEY)) return null
  return state.getForResource({ resourceType: 'exports', _id: exportId, key: MARK_KEY })
}

function preSavePage (options) {
  const mark = readMark(options._exportId)
  const since = mark ? Date.parse(mark.updatedAt) : -Infinity
  let newest = since
  const data = []
  const newErrorsAndRetryData = []

  for (const order of options.data) {
    const changed = Date.parse(order.updated_at)
    if (Number.isNaN(changed)) {
      newErrorsAndRetryData.push({
        retryData: order,
        errors: [{ code: 'MISSING_UPDATED_AT', message: `order ${order.id} has no valid updated_at`, source: 'preSavePage' }]
      })
      continue
    }
    if (changed <= since) continue
    data.push(order)
    newest = Math.max(newest, changed)
  }

  if (newest > since) {
    state.putForResource({
      resourceType: 'exports',
      _id: options._exportId,
      key: MARK_KEY,
      value: { updatedAt: new Date(newest).toISOString(), jobId: options.job._id }
    })
  }
  console.log(`page ${options.pageIndex}: ${data.length} new, ${options.data.length - data.length - newErrorsAndRetryData.length} already seen`)
  return { data, errors: options.errors, abort: false, newErrorsAndRetryData }
}
