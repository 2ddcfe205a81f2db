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
