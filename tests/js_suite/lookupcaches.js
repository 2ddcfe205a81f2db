// Lookup cache data: getData by keys and by page, putData, deleteData, purgeData, each as
// a success and a failure, and integrator.io's limits. Run as a generic script.
import { lookupcaches } from 'integrator-api'

function attempt(call) {
  try { return { ok: true, value: call() } }
  catch (e) { return { ok: false, name: e.name, message: e.message, code: e.code, statusCode: e.statusCode, errors: e.errors, json: JSON.stringify(e) } }
}

// Every page of a cache, pageSize entries at a time, following nextPageURL.
function allPages(_id, pageSize) {
  const pages = [lookupcaches.getData({ _id, pageSize })]
  while (pages[pages.length - 1].nextPageURL && pages.length < 10) {
    pages.push(lookupcaches.getData({ _id, pageSize, nextPageURL: pages[pages.length - 1].nextPageURL }))
  }
  return pages
}

function keys(count) {
  return Array.from({ length: count }, (_, i) => `k${i}`)
}

function data(options) {
  const cache = 'skuMap'
  return {
    byKeys: attempt(() => lookupcaches.getData({ _id: cache, keys: ['C-300', 'A-100', 'missing'] })),
    pages: attempt(() => allPages(cache, 2)),
    pageTooLarge: attempt(() => lookupcaches.getData({ _id: cache, pageSize: 1001 })),
    keysAndPage: attempt(() => lookupcaches.getData({ _id: cache, keys: ['A-100'], nextPageURL: '/v1/lookupcaches/skuMap/getData?startAfterKey=A-100' })),
    unknownCache: attempt(() => lookupcaches.getData({ _id: 'ffffffffffffffffffffffff' })),
    put: attempt(() => lookupcaches.putData({ _id: cache, data: [{ key: 'D-400', value: { ns: 4 } }, { key: 'A-100', value: { ns: 10 } }, { key: '', value: 1 }] })),
    putTooMany: attempt(() => lookupcaches.putData({ _id: cache, data: keys(1001).map((key) => ({ key, value: 1 })) })),
    putTooLarge: attempt(() => lookupcaches.putData({ _id: cache, data: [{ key: 'big', value: 'x'.repeat(5 * 1024 * 1024) }] })),
    delete: attempt(() => lookupcaches.deleteData({ _id: cache, keys: ['B-200', 'missing'] })),
    deleteTooMany: attempt(() => lookupcaches.deleteData({ _id: cache, keys: keys(1001) })),
    afterChanges: attempt(() => lookupcaches.getData({ _id: cache })),
    purge: attempt(() => lookupcaches.purgeData({ _id: 'legacyRates' })),
    afterPurge: attempt(() => lookupcaches.getData({ _id: 'legacyRates' })),
    purgeUnknown: attempt(() => lookupcaches.purgeData({ _id: 'ffffffffffffffffffffffff' })),
    createWithData: attempt(() => lookupcaches.create({ name: 'Seeded', data: [{ key: 'a', value: 1 }] })),
  }
}
