"""The JavaScript a new script of each type starts from (`jsrt new`, `Contract.stub`).

Each stub declares the entry function under the type's name, lists the `options` it
receives and says what to return and what a throw does. The bodies do the least the
contract asks (pass the records through, keep every record, answer 200), so a fresh
stub passes its own contract.
"""

from __future__ import annotations

_CONTEXT = """\
 *   _flowId, _integrationId, _connectionId  where the hook runs
 *   settings   {integration, flowGrouping, flow, export|import, connection} settings
 *   testMode   true in previews and test runs;  sandbox  true in the sandbox environment
 *   job        {_id, type, startedAt} of the running job"""

PRE_SAVE_PAGE = f"""\
/*
 * preSavePage: called once for every page of records an export produces, before the
 * page moves on through the flow. Rename the function freely; point the hook at it.
 *
 * options:
 *   data        the page: an array of records (objects, or arrays for grouped data)
 *   errors      errors the export met on this page: [{{code, message, source, retryDataKey}}]
 *   retryData   retry payloads by retryDataKey: {{[key]: {{data, stage, traceKey}}}}
 *   files       file exports only: files[i].fileMeta.fileName is the file of data[i]
 *   pageIndex   0 for the first page
 *   lastExportDateTime, currentExportDateTime  delta window (ISO strings)
 *   _exportId   the export this hook belongs to
{_CONTEXT}
 *
 * Return {{data, errors, abort, newErrorsAndRetryData}}:
 *   data      the records to pass on (an array)
 *   errors    the errors to report for this page
 *   abort     true: the export produces no further pages (this page still goes on)
 *   newErrorsAndRetryData  [{{retryData: record, errors: [error]}}]: failed, retryable records
 * A throw is a fatal error for the page (integrator.io's stub says it stops the flow).
 */
function preSavePage (options) {{
  return {{
    data: options.data,
    errors: options.errors,
    abort: false,
    newErrorsAndRetryData: []
  }}
}}
"""

PRE_MAP = f"""\
/*
 * preMap: called once per page on an import, before the records are mapped.
 *
 * options:
 *   data       the page: an array of unmapped records
 *   _importId  the import this hook belongs to
{_CONTEXT}
 *
 * Return an array exactly as long as options.data. Element i decides record i:
 *   {{data: record}}            map and import it
 *   {{errors: [error]}}         fail it with these errors ({{code, message, source}})
 *   {{data: record, errors}}    import it and also report the errors
 *   {{}}                        skip it
 * A throw fails the whole page.
 */
function preMap (options) {{
  return options.data.map(function (record) {{
    return {{ data: record }}
  }})
}}
"""

POST_MAP = f"""\
/*
 * postMap: called once per page on an import, after mapping and before submitting.
 *
 * options:
 *   preMapData   the records as they were before mapping
 *   postMapData  the same records after mapping (postMapData[i] comes from preMapData[i])
 *   _importId    the import this hook belongs to
{_CONTEXT}
 *
 * Return an array exactly as long as options.postMapData, element i being
 * {{data: record}}, {{errors: [error]}}, {{data: record, errors}} or {{}} (skip the record).
 * A throw fails the whole page.
 */
function postMap (options) {{
  return options.postMapData.map(function (record) {{
    return {{ data: record }}
  }})
}}
"""

POST_SUBMIT = f"""\
/*
 * postSubmit: called once per page on an import, after the destination answered.
 *
 * options:
 *   preMapData, postMapData  the records before and after mapping
 *   responseData  one response per record: {{statusCode, id, ignored, errors, _json, dataURI}}
 *                 (statusCode 200 imported, 422 data error, 403 connection offline)
 *   _importId     the import this hook belongs to
{_CONTEXT}
 *
 * Return options.responseData, the same length, changing elements as needed; the
 * changes reach the flow through response mapping. A throw fails the whole page.
 */
function postSubmit (options) {{
  return options.responseData
}}
"""

POST_AGGREGATE = f"""\
/*
 * postAggregate: called once on a file import, after the aggregated file is uploaded
 * (not called when skipAggregation is true).
 *
 * options:
 *   postAggregateData  {{success, _json, code, message, source}} of the upload
 *   _importId          the import this hook belongs to
{_CONTEXT}
 *
 * The return value is ignored. A throw is reported as a fatal error.
 */
function postAggregate (options) {{
}}
"""

POST_RESPONSE_MAP = f"""\
/*
 * postResponseMap: called once per page on a lookup or import step of a flow, after
 * response mapping has merged the step's results into the records.
 *
 * options:
 *   postResponseMapData  the records after response mapping
 *   responseData   one response per record (lookups: {{data, errors}};
 *                  imports: {{statusCode, id, errors, _json, dataURI}})
 *   oneToMany, pathToMany   set when the step processes child records
 *   _exportId or _importId  the step's export (lookup) or import
{_CONTEXT}
 *
 * Return a flat array of records exactly as long as options.postResponseMapData
 * (not {{data: [...]}}). A throw fails the whole page.
 */
function postResponseMap (options) {{
  return options.postResponseMapData
}}
"""

FILTER = f"""\
/*
 * filter: called once for each record; decides whether the record goes on.
 *
 * options:
 *   record     the record (an object, or an array for grouped data)
 *   pageIndex  the page the record came in
 *   lastExportDateTime, currentExportDateTime  delta window (ISO strings)
{_CONTEXT}
 *
 * Return true to keep the record, false to drop it (a strict boolean).
 * A throw fails this record only.
 */
function filter (options) {{
  return true
}}
"""

TRANSFORM = f"""\
/*
 * transform: called once for each record, to reshape it.
 *
 * options:
 *   record  the record (an object, or an array for grouped data)
{_CONTEXT}
 *
 * Return the transformed record. A throw fails this record only.
 */
function transform (options) {{
  return options.record
}}
"""

BRANCHING = f"""\
/*
 * branching: called once for each record at a router, to choose its branches.
 *
 * options:
 *   record  the record (an object, or an array for grouped data)
{_CONTEXT}
 *
 * Return the index of the branch to take (0 is the first), or an array of indexes
 * for several branches, e.g. [0, 2]. A throw fails this record only.
 */
function branching (options) {{
  return [0]
}}
"""

HANDLE_REQUEST = """\
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
"""

CONTENT_BASED_FLOW_ROUTER = """\
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
"""

FORM_INIT = """\
/*
 * formInit: builds the settings form integrator.io shows for a resource.
 *
 * options:
 *   resource             the resource whose settings form is shown (its settingsForm)
 *   parentResource, grandparentResource  the resources above it, when there are any
 *   license, parentLicense               integration app licenses, when there are any
 *   sandbox              true in the sandbox environment
 *
 * Return the form object to render. A throw shows an error instead of the form.
 */
function formInit (options) {
  return options.resource.settingsForm.form
}
"""

PRE_SAVE = """\
/*
 * preSave: called when a resource (integration, flow, export, import, connection) is
 * saved. Attach it through the API; the UI has no field for it.
 *
 * options:
 *   newResource  the resource about to be saved
 *   oldResource  the resource as it was (absent when it is being created)
 *   sandbox      true in the sandbox environment
 *
 * Return the resource to save. A throw fails the save.
 */
function preSave (options) {
  return options.newResource
}
"""

STEP = """\
/*
 * step: runs one install or uninstall step of an integration app.
 *
 * options:
 *   formSubmission  the values the user entered (form steps)
 *   _connectionId   the connection the user chose (connection steps)
 *   resource        the integration being installed
 *   license         the integration app license
 *
 * Nothing needs to be returned. A throw fails the step.
 */
function step (options) {
}
"""

UPDATE = """\
/*
 * update: runs when an integration app is updated to a new version.
 *
 * options:
 *   resource  the integration being updated
 *   license   the integration app license
 *
 * Nothing needs to be returned. A throw fails the update.
 */
function update (options) {
}
"""

STUBS = {
    "preSavePage": PRE_SAVE_PAGE,
    "preMap": PRE_MAP,
    "postMap": POST_MAP,
    "postSubmit": POST_SUBMIT,
    "postAggregate": POST_AGGREGATE,
    "postResponseMap": POST_RESPONSE_MAP,
    "filter": FILTER,
    "transform": TRANSFORM,
    "branching": BRANCHING,
    "handleRequest": HANDLE_REQUEST,
    "contentBasedFlowRouter": CONTENT_BASED_FLOW_ROUTER,
    "formInit": FORM_INIT,
    "preSave": PRE_SAVE,
    "step": STEP,
    "update": UPDATE,
}
"""Stub text by script type name."""
