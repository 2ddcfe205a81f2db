// integrator.io's rules for hooks, seen from the hooks themselves: what is refused, what is
// allowed, and the message a refused call throws. The Python test picks the hook type and
// the flow each function runs in.
import { exports, imports, connections, lookupcaches, integrations } from 'integrator-api'

function attempt(call) {
  try { return { ok: true, value: call() } }
  catch (e) { return { ok: false, name: e.name, message: e.message, code: e.code, statusCode: e.statusCode, errors: e.errors, json: JSON.stringify(e) } }
}

// Run as a preSavePage hook: CRUD on any object is refused.
function crudInHook(options) {
  return {
    data: [{
      exportsGet: attempt(() => exports.get('getOrders')),
      connectionsFind: attempt(() => connections.find()),
      integrationsUpdate: attempt(() => integrations.update({ _id: 'shop', name: 'Renamed' })),
      lookupcachesCreate: attempt(() => lookupcaches.create({ name: 'New cache' })),
    }],
  }
}

// Run as a preSavePage hook without catching: the refusal fails the page.
function crudUncaught(options) {
  const flow = exports.get('getOrders')
  return { data: [flow] }
}

// Run as a preSavePage hook: runs are allowed only in a flow inside an integration.
function runsInHook(options) {
  return {
    data: [{
      exportRun: attempt(() => exports.run({ _id: 'getOrders' }).data),
      exportRunVirtual: attempt(() => exports.runVirtual({ export: { _id: 'pullOnce' } }).data),
      importRun: attempt(() => imports.run({ _id: 'putOrders', data: options.data }).map((r) => r.id)),
      runMapping: attempt(() => imports.runMapping({ import: { mapping: { fields: [{ generate: 'ref', extract: 'id' }] } }, data: options.data })),
    }],
  }
}

// Run as a preSavePage hook: lookup cache data only of caches registered with the integration.
function cachesInHook(options) {
  return {
    data: [{
      registered: attempt(() => lookupcaches.getData({ _id: 'skuMap', keys: ['A-100'] }).data),
      referencedByMapping: attempt(() => lookupcaches.getData({ _id: 'countryCodes', keys: ['DE'] }).data),
      unregisteredRead: attempt(() => lookupcaches.getData({ _id: 'legacyRates', keys: ['EUR'] })),
      unregisteredWrite: attempt(() => lookupcaches.putData({ _id: 'legacyRates', data: [{ key: 'USD', value: 1 }] })),
    }],
  }
}

// A My API handler: CRUD is allowed.
function handleRequest(options) {
  const created = connections.create({ name: 'From My API' })
  return {
    statusCode: 201,
    body: {
      exportIds: exports.find({ externalId: 'orders-export' }).map((e) => e._id),
      integration: integrations.get('shop').name,
      created: created.name,
    },
  }
}

// An installer step: CRUD is allowed (the Python test reads the world it changed).
function step(options) {
  connections.create({ name: 'From the installer' })
  integrations.update({ ...integrations.get('shop'), name: 'Shop (installed)' })
}
