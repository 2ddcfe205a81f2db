/*
 * contentBasedFlowRouter: picks the flow that processes an inbound AS2 message.
 *
 * options:
 *   httpHeaders     the HTTP headers of the message
 *   mimeHeaders     the MIME headers of the message
 *   rawMessageBody  the message body as a string
 *
 * Return {_flowId, _exportId}: _flowId is required, _exportId optional.
 * A throw fails the message.
 */
function contentBasedFlowRouter (options) {
  return {
    _flowId: 'REPLACE_WITH_A_FLOW_ID'
  }
}
