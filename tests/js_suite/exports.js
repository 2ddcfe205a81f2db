// exports.run, runVirtual and runVirtualWithPaging, each as a success and a failure.
// Run as a generic script; policy.js runs them from hooks.
import { exports } from 'integrator-api'

const UNKNOWN_ID = 'ffffffffffffffffffffffff'

function attempt(call) {
  try { return { ok: true, value: call() } }
  catch (e) { return { ok: false, name: e.name, message: e.message, code: e.code, statusCode: e.statusCode, errors: e.errors, json: JSON.stringify(e) } }
}

// Every page of a paged run: the records of each, until a page has no pagedExportState.
function allPages(definition) {
  const pages = []
  let pagedExportState
  do {
    const page = exports.runVirtualWithPaging({ export: definition, pagedExportState })
    pages.push(page.data)
    pagedExportState = page.pagedExportState
  } while (pagedExportState !== undefined && pages.length < 10)
  return pages
}

function runs(options) {
  return {
    run: attempt(() => exports.run({
      _id: 'getOrders',
      startDate: new Date('2025-01-01T00:00:00Z'),
      data: [{ since: '2025-01-01' }],
      settings: { region: 'EU' },
    })),
    runUnknown: attempt(() => exports.run({ _id: UNKNOWN_ID })),
    runBadDate: attempt(() => exports.run({ _id: 'getOrders', startDate: 'last tuesday' })),
    runVirtual: attempt(() => exports.runVirtual({
      export: { name: 'Inline', mockOutput: { page_of_records: [{ record: { sku: 'A-100' } }] } },
    })),
    runVirtualStored: attempt(() => exports.runVirtual({ export: { _id: 'getOrders' } })),
    runVirtualNoExport: attempt(() => exports.runVirtual({ data: [] })),
    runVirtualBadMock: attempt(() => exports.runVirtual({ export: { mockOutput: { records: [] } } })),
    pages: attempt(() => allPages({ _id: 'getOrders' })),
    pagesForgedState: attempt(() => exports.runVirtualWithPaging({ export: { _id: 'getOrders' }, pagedExportState: { page: 2 } })),
  }
}
