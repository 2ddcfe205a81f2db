/*
 * formInit: build the integration's settings form for the edition the customer bought.
 *
 * The saved form (resource.settingsForm.form) is the starting point. Every edition gets
 * the subsidiary choice, pre-set to the saved value; only the premium edition gets the
 * automatic-fulfilment switch. The sandbox environment says so in the store name's help
 * text, so nobody points a sandbox at the live store.
 */
function formInit (options) {
  const form = JSON.parse(JSON.stringify(options.resource.settingsForm.form))
  const settings = options.resource.settings || {}
  const edition = (options.license && options.license.edition) || 'standard'

  form.fieldMap.subsidiary = {
    id: 'subsidiary',
    name: 'subsidiary',
    type: 'select',
    label: 'NetSuite subsidiary',
    required: true,
    defaultValue: settings.subsidiary || '1',
    options: [{ items: [{ label: 'Parent company', value: '1' }, { label: 'Acme EU GmbH', value: '3' }] }]
  }
  form.layout.fields.push('subsidiary')

  if (edition === 'premium') {
    form.fieldMap.autoFulfil = {
      id: 'autoFulfil',
      name: 'autoFulfil',
      type: 'checkbox',
      label: 'Fulfil orders in NetSuite automatically',
      defaultValue: settings.autoFulfil === true
    }
    form.layout.fields.push('autoFulfil')
  }

  if (options.sandbox && form.fieldMap.storeName) {
    form.fieldMap.storeName.helpText = 'Sandbox: use your development store, not the live one.'
  }
  return form
}
