// imports.run, runVirtual and runMapping, each as a success and a failure.
// Run as a generic script; policy.js runs them from hooks.
import { imports } from 'integrator-api'

const UNKNOWN_ID = 'ffffffffffffffffffffffff'

function attempt(call) {
  try { return { ok: true, value: call() } }
  catch (e) { return { ok: false, name: e.name, message: e.message, code: e.code, statusCode: e.statusCode, errors: e.errors, json: JSON.stringify(e) } }
}

// An import response reduced to what does not change from run to run.
function response(r) {
  return { statusCode: r.statusCode, id: r.id, ignored: r.ignored, errors: r.errors }
}

function runs(options) {
  const lines = [{ sku: 'A-100', qty: 2 }, { sku: 'Z-999', qty: 1 }]
  return {
    run: attempt(() => imports.run({ _id: 'putOrders', data: [{ id: 1 }, { id: 2 }], settings: { batch: 'B1' } }).map(response)),
    runPerRecord: attempt(() => imports.run({ _id: 'putLines', data: lines }).map(response)),
    runTooFewRecords: attempt(() => imports.run({ _id: 'putLines', data: [lines[0]] })),
    runUnknown: attempt(() => imports.run({ _id: UNKNOWN_ID, data: [{ id: 1 }] })),
    runNoData: attempt(() => imports.run({ _id: 'putOrders' })),
    runVirtual: attempt(() => imports.runVirtual({
      import: { name: 'Inline', mockResponse: { statusCode: 200, id: 'virtual-1' } },
      data: [{ id: 7 }],
    }).map(response)),
    runVirtualDataNotArray: attempt(() => imports.runVirtual({ import: {}, data: { id: 7 } })),
    runMapping: attempt(() => imports.runMapping({
      import: { mapping: { fields: [
        { generate: 'item.sku', extract: 'sku' },
        { generate: 'source', hardCodedValue: 'shop' },
      ] } },
      data: lines,
    })),
    runMappingMapper2: attempt(() => imports.runMapping({
      import: { mappings: [{ generate: 'code', dataType: 'string', extract: '$.sku', status: 'Active' }] },
      data: lines,
    })),
    runMappingRefused: attempt(() => imports.runMapping({
      import: { mappings: [{ generate: 'code', dataType: 'text', extract: '$.sku', status: 'Active' }] },
      data: lines,
    })),
  }
}
