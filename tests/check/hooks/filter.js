/* jsrt-disable missing-global -- this file is about returns */
function filter(options) {
  if (window.paused) return false
  if (options.record.status === 'paid') return true
  return 'maybe'
}
