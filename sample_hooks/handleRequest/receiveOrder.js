import { integrations, imports } from 'integrator-api'
import sjcl from 'sjcl'

/*
 * handleRequest (My API): POST /orders receives an order from a partner's storefront and
 * imports it into NetSuite right away.
 *
 * The partner signs the raw body with HMAC-SHA256 and a shared secret and sends the hex
 * digest in X-Signature. The secret lives in the integration's settings (a My API script
 * may read resources; a flow hook may not). Answers: 201 with the NetSuite id,
 * 401 for a bad signature, 400 for a body that is not an order, 405 for other methods,
 * 422 when NetSuite refuses the order. Without a secret nothing can be verified: the
 * script throws, and integrator.io answers the request with an error.
 */
const INTEGRATION_ID = '65a4c2e19b1d0a0012f3e001'
const SALES_ORDER_IMPORT_ID = '65a4c2e19b1d0a0012f3e020'

function hmacHex (secret, text) {
  const hmac = new sjcl.misc.hmac(sjcl.codec.utf8String.toBits(secret), sjcl.hash.sha256)
  return sjcl.codec.hex.fromBits(hmac.encrypt(text))
}

function answer (statusCode, body) {
  return { statusCode, headers: { 'content-type': 'application/json' }, body }
}

function handleRequest (options) {
  if (options.method !== 'POST') return answer(405, { error: 'use POST' })

  const secret = integrations.get(INTEGRATION_ID).settings.partnerWebhookSecret
  if (!secret) throw new Error('integration setting partnerWebhookSecret is not set: no request can be verified')
  const signature = (options.headers['x-signature'] || '').toLowerCase()
  if (signature !== hmacHex(secret, options.rawBody)) {
    console.warn(`rejected a request with signature "${signature}"`)
    return answer(401, { error: 'invalid signature' })
  }

  const order = options.body
  if (!order || !order.orderId || !Array.isArray(order.items) || order.items.length === 0) {
    return answer(400, { error: 'expected {orderId, items: [{sku, qty}]}' })
  }

  const [response] = imports.run({ _id: SALES_ORDER_IMPORT_ID, data: [order] })
  if (response.statusCode !== 200) {
    return answer(422, { orderId: order.orderId, errors: response.errors })
  }
  return answer(201, { orderId: order.orderId, netsuiteId: response.id })
}
