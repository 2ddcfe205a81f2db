/*
 * contentBasedFlowRouter: pick the flow for an inbound AS2 message from its X12 content.
 *
 * Every trading partner sends purchase orders (850) and order changes (860) over the
 * same AS2 connection. The transaction set (ST01) picks the flow; the sender (ISA06)
 * picks that partner's listener export, so each partner's documents keep their own
 * history. A document nobody handles is refused with a message that names it.
 */
const FLOWS = {
  850: '65a4c2e19b1d0a0012f3e0a1', // EDI purchase orders to NetSuite
  860: '65a4c2e19b1d0a0012f3e0a2' // EDI order changes to NetSuite
}
const PARTNER_EXPORTS = {
  ACMEPARTNER: '65a4c2e19b1d0a0012f3e0b1',
  GLOBEXEDI: '65a4c2e19b1d0a0012f3e0b2'
}

function segments (x12) {
  const terminator = x12.charAt(105) || '~' // the ISA segment is fixed width: 106 characters
  return x12.split(terminator).map((segment) => segment.trim().split('*'))
}

function contentBasedFlowRouter (options) {
  const all = segments(options.rawMessageBody)
  const isa = all.find((s) => s[0] === 'ISA')
  const st = all.find((s) => s[0] === 'ST')
  if (!isa || !st) throw new Error('not an X12 interchange: no ISA or ST segment')

  const sender = isa[6].trim()
  const flowId = FLOWS[st[1]]
  if (!flowId) throw new Error(`no flow handles X12 ${st[1]} (from ${sender})`)

  const route = { _flowId: flowId }
  if (PARTNER_EXPORTS[sender]) route._exportId = PARTNER_EXPORTS[sender]
  return route
}
