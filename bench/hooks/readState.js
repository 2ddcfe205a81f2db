/*
 * The bridge benchmark's hook: a preSavePage making `calls` synchronous round trips
 * through the integrator-api bridge, each reading one state value of the local backend.
 * What to do comes as the page's single record: {calls, key}.
 */
import { state } from 'integrator-api'

function preSavePage(options) {
  const { calls, key } = options.data[0]
  let bytes = 0
  for (let i = 0; i < calls; i++) {
    bytes += state.getForResource({ resourceType: 'flows', _id: 'bench-flow', key }).length
  }
  return { data: [{ bytes }], errors: [], abort: false, newErrorsAndRetryData: [] }
}
