import { integrations, state } from 'integrator-api'

/*
 * step (integration app installer): the "Configure your store" step.
 *
 * Checks what the user typed in the step's form, saves it into the integration's
 * settings (an installer may read and update resources), and records the step in the
 * integration's state so a later step, or a support engineer, can see when and how the
 * store was set up. A bad store name fails the step with a message the user can act on.
 */
const STORE_NAME = /^[a-z0-9][a-z0-9-]{2,59}$/

function step (options) {
  const form = options.formSubmission || {}
  const storeName = String(form.storeName || '').trim().toLowerCase().replace(/\.myshopify\.com$/, '')
  if (!STORE_NAME.test(storeName)) {
    throw new Error(`"${form.storeName}" is not a Shopify store name: use the part before .myshopify.com, e.g. acme-store`)
  }

  const integration = integrations.get(options.resource._id)
  integrations.update({
    ...integration,
    settings: { ...integration.settings, storeName, subsidiary: form.subsidiary || '1' }
  })
  state.putForResource({
    resourceType: 'integrations',
    _id: integration._id,
    key: 'install',
    value: { storeConfigured: true, storeName, edition: options.license.edition }
  })
}
