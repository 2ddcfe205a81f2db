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
