/*
 * The persisted-runs benchmark's hook: a preSavePage writing one state value of the local
 * backend, the smallest change a run can make to its world. The value comes as the page's
 * single record: {n}.
 */
import { state } from 'integrator-api'

function preSavePage(options) {
  const { n } = options.data[0]
  state.putForResource({ resourceType: 'flows', _id: 'bench-flow', key: `key${n % 50}`, value: n })
  return { data: options.data, errors: [], abort: false, newErrorsAndRetryData: [] }
}
