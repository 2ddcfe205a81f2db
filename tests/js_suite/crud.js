// find, get, create, update, patch and delete, written once for every runtime object:
// options.object names the object, and a function the object lacks must be absent.
// Run as a generic script (CRUD is refused in hooks). Each observation is
// {ok: true, value} or what the thrown Error carried.
import * as api from 'integrator-api'

const UNKNOWN_ID = 'ffffffffffffffffffffffff'

function attempt(call) {
  try { return { ok: true, value: call() } }
  catch (e) { return { ok: false, name: e.name, message: e.message, code: e.code, statusCode: e.statusCode, errors: e.errors, json: JSON.stringify(e) } }
}

// A stored document reduced to what does not change from run to run.
function summary(doc) {
  return { name: doc.name, description: doc.description, lastModified: typeof doc.lastModified }
}

// What create answered: the new document, with an integrator.io-like _id and timestamps.
function creation(doc) {
  return {
    ...summary(doc),
    hasIntegratorIoId: /^[0-9a-f]{24}$/.test(doc._id),
    createdAt: typeof doc.createdAt,
  }
}

function findAll(target, externalId) {
  return {
    findAll: attempt(() => target.find().map((doc) => doc._id)),
    findByExternalId: attempt(() => target.find({ externalId }).map((doc) => doc._id)),
    findByName: attempt(() => target.find({ name: 'Shop' })),
  }
}

function getAll(target, seededId) {
  return {
    get: attempt(() => target.get(seededId).name),
    getWrappedId: attempt(() => target.get({ _id: seededId })._id),
    getUnknown: attempt(() => target.get(UNKNOWN_ID) === undefined),
    getNumber: attempt(() => target.get(42)),
  }
}

function crudCycle(options) {
  const target = api[options.object]
  const has = (name) => typeof target[name] === 'function'
  const seen = { functions: Object.keys(target) }
  Object.assign(seen, has('find') ? findAll(target, options.externalId) : { find: attempt(() => target.find()) })
  Object.assign(seen, getAll(target, options.seededId))

  let subject = options.disposableId
  if (has('create')) {
    const created = attempt(() => target.create(options.document))
    seen.create = created.ok ? { ok: true, value: creation(created.value) } : created
    seen.createString = attempt(() => target.create('not a document'))
    subject = created.ok ? created.value._id : UNKNOWN_ID
  }

  seen.update = attempt(() => summary(target.update({ ...target.get(subject), name: 'Renamed' })))
  seen.updateUnknown = attempt(() => target.update({ _id: UNKNOWN_ID, name: 'Nobody' }))
  if (has('patch')) {
    // options.patchField: a field integrator.io's PATCH may change on this object.
    const field = options.patchField
    seen.patch = attempt(() => target.patch({ _id: subject, patch: { [field]: 'patched' } }))
    seen.jsonPatch = attempt(() => target.patch({ _id: subject, patch: [{ op: 'replace', path: `/${field}`, value: 'Patched' }] }))
    seen.afterPatches = attempt(() => target.get(subject)[field])
    seen.patchUnknown = attempt(() => target.patch({ _id: UNKNOWN_ID, patch: { [field]: 'x' } }))
    seen.patchMissingPath = attempt(() => target.patch({ _id: subject, patch: [{ op: 'remove', path: `/${field}/nowhere` }] }))
    seen.patchName = attempt(() => target.patch({ _id: subject, patch: [{ op: 'replace', path: '/name', value: 'Patched name' }] }))
  }
  seen.delete = attempt(() => target.delete(subject))
  seen.afterDelete = attempt(() => target.get(subject) === undefined)
  seen.deleteAgain = attempt(() => target.delete(subject))
  return seen
}
