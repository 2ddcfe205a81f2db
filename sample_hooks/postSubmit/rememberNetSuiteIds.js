import { lookupcaches } from 'integrator-api'

/*
 * postSubmit: remember which NetSuite sales order each Shopify order became, and make a
 * re-sent order a success instead of a duplicate error.
 *
 * The lookup cache "shopify-order-to-netsuite" maps a Shopify order id to the NetSuite
 * internal id. After each page, the orders NetSuite accepted are added to it. When
 * NetSuite refuses an order as a duplicate (DUP_RECORD), the cache says which sales
 * order already holds it: the response is turned into an ignored success carrying that
 * id, so the flow's response mapping still gets the NetSuite id. Any other error stays.
 */
const CACHE_ID = '65a4c2e19b1d0a0012f3e030'

function isDuplicate (response) {
  return response.statusCode === 422 && (response.errors || []).some((e) => e.code === 'DUP_RECORD')
}

function postSubmit (options) {
  const orderIds = options.preMapData.map((order) => String(order.id))

  const duplicates = orderIds.filter((id, i) => isDuplicate(options.responseData[i]))
  const known = {}
  if (duplicates.length > 0) {
    for (const entry of lookupcaches.getData({ _id: CACHE_ID, keys: duplicates }).data) {
      known[entry.key] = entry.value
    }
  }

  const imported = []
  const responses = options.responseData.map((response, i) => {
    const orderId = orderIds[i]
    if (response.statusCode === 200) {
      imported.push({ key: orderId, value: { netsuiteId: response.id, jobId: options.job._id } })
      return response
    }
    if (isDuplicate(response) && known[orderId]) {
      console.log(`order ${orderId} is already sales order ${known[orderId].netsuiteId}`)
      return { ...response, statusCode: 200, id: known[orderId].netsuiteId, ignored: true, errors: [] }
    }
    return response
  })

  if (imported.length > 0) {
    const results = lookupcaches.putData({ _id: CACHE_ID, data: imported })
    const failed = results.filter((r) => !r.success).map((r) => r.key)
    if (failed.length > 0) console.warn(`could not cache orders ${failed.join(', ')}`)
  }
  return responses
}
