import { exports } from 'integrator-api'

/*
 * preMap: find the NetSuite customer of each order before the import maps it.
 *
 * One call to the customer lookup export for the whole page (not one per record), with
 * the page's distinct e-mail addresses; the lookup export's id is an integration
 * setting, so the same script serves sandbox and production. An order whose customer is
 * not in NetSuite fails on its own with CUSTOMER_NOT_FOUND; the rest of the page goes on.
 */
function emailOf (order) {
  return ((order.customer && order.customer.email) || '').trim().toLowerCase()
}

function preMap (options) {
  const lookupExportId = options.settings.integration.customerLookupExportId
  if (!lookupExportId) {
    throw new Error('integration setting customerLookupExportId is not set: choose the customer lookup export in the integration settings')
  }

  const emails = [...new Set(options.data.map(emailOf).filter(Boolean))]
  const customers = {}
  if (emails.length > 0) {
    const found = exports.run({ _id: lookupExportId, data: { emails } })
    for (const customer of found.data) customers[customer.email.toLowerCase()] = customer
  }

  return options.data.map((order) => {
    const customer = customers[emailOf(order)]
    if (!customer) {
      return {
        errors: [{ code: 'CUSTOMER_NOT_FOUND', message: `no NetSuite customer has the e-mail "${emailOf(order)}" (order ${order.id})`, source: 'preMap' }]
      }
    }
    return {
      data: { ...order, customer: { ...order.customer, internalId: customer.internalId, subsidiary: customer.subsidiary } }
    }
  })
}
