import { lookupcaches } from 'integrator-api'

function preMap(options) {
  const known = lookupcaches.getData({ _id: 'cache-registered', keys: ['a'] })
  const other = lookupcaches.getData({ _id: 'cache-other', keys: ['a'] })
  return options.data.map((record) => ({ data: { ...record, known, other } }))
}
