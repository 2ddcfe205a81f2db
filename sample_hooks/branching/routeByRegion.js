/*
 * branching: send each order to the warehouse branch that ships to its country.
 *
 * Branch 0 is the US warehouse, 1 the EU warehouse, 2 everyone else (manual handling).
 * Orders of 1,000 or more also take branch 3, the fraud review, so they are returned as
 * two indexes. An order without a shipping country cannot be routed: the throw fails
 * that record only.
 */
const US = 0
const EU = 1
const MANUAL = 2
const REVIEW = 3
const EU_COUNTRIES = ['AT', 'BE', 'DE', 'DK', 'ES', 'FI', 'FR', 'IE', 'IT', 'NL', 'PL', 'PT', 'SE']

function branching (options) {
  const order = options.record
  const country = order.shipping_address && order.shipping_address.country_code
  if (!country) throw new Error(`order ${order.name} has no shipping country`)

  const warehouse = country === 'US' ? US : EU_COUNTRIES.includes(country) ? EU : MANUAL
  return Number(order.total_price) >= 1000 ? [warehouse, REVIEW] : [warehouse]
}
