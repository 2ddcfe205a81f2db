// The state API over one resource's keys: put, list, read, delete, and each failing.
// Run as a preSavePage hook: state is allowed in hooks.
import { state } from 'integrator-api'

function attempt(call) {
  try { return { ok: true, value: call() } }
  catch (e) { return { ok: false, name: e.name, message: e.message, code: e.code, statusCode: e.statusCode, errors: e.errors, json: JSON.stringify(e) } }
}

function keepCursor(options) {
  const flow = { resourceType: 'flows', _id: options._flowId }
  const seen = {
    seededKeys: attempt(() => state.getKeysForResource(flow)),
    seededValue: attempt(() => state.getForResource({ ...flow, key: 'lastRun' })),
    put: attempt(() => state.putForResource({ ...flow, key: 'cursor', value: { page: 3, ids: [1, 2] } })),
    putNoKey: attempt(() => state.putForResource({ ...flow, value: 1 })),
    read: attempt(() => state.getForResource({ ...flow, key: 'cursor' })),
    readNeverPut: attempt(() => state.getForResource({ ...flow, key: 'nothing' })),
    delete: attempt(() => state.deleteForResource({ ...flow, key: 'lastRun' })),
    deleteAgain: attempt(() => state.deleteForResource({ ...flow, key: 'lastRun' })),
    keys: attempt(() => state.getKeysForResource(flow)),
    keysOfEmptyExport: attempt(() => state.getKeysForResource({ resourceType: 'exports', _id: 'getOrders' })),
    keysBadType: attempt(() => state.getKeysForResource({ resourceType: 'scripts', _id: 'x' })),
  }
  return { data: [seen] }
}
