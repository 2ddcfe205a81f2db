/*
 * handleRequest: answers each HTTP request to a My API endpoint.
 *
 * options:
 *   method       the HTTP method, upper case
 *   headers      the request headers (an object)
 *   queryString  the query parameters (also given as queryParams)
 *   pathParams   the parameters taken from the endpoint's path
 *   body         the parsed body (undefined when there is none)
 *   rawBody      the body as a string
 *   _apiId       the API this script serves
 *
 * Return {statusCode, headers, body}: statusCode 100-599, headers optional, body a
 * string or an object. A throw answers the request with an error.
 */
function handleRequest (options) {
  return {
    statusCode: 200,
    headers: {},
    body: { received: options.body === undefined ? null : options.body }
  }
}
