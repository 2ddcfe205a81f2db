/*
 * The bridge benchmark's hook: a preSavePage making `calls` synchronous round trips
 * through the integrator-api bridge, each reading one state value of the local backend,
 * the `keys` in turn. What to do comes as the page's single record: {calls, keys}.
 */
import { state } from 'integrator-api'

function preSavePage(options) {
  const { calls, keys } = options.data[0]
  let bytes = 0
  for (let i = 0; i < calls; i++) {
    const key = keys[i % keys.length]
    bytes += state.getForResource({ resourceType: 'flows', _id: 'bench-flow', key }).length
  }
  return { data: [{ bytes }], errors: [], abort: false, newErrorsAndRetryData: [] }
}
