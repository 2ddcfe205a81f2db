import { integrations, state } from 'integrator-api'

/*
 * update (integration app installer): version 2 renamed two settings.
 *
 * `storeName` became `shopifyStore` and `subsidiary` became `netsuiteSubsidiary`. The
 * update copies the old values to the new names, removes the old ones, and records the
 * settings version in state, so running the update twice changes nothing the second time.
 */
const RENAMED = { storeName: 'shopifyStore', subsidiary: 'netsuiteSubsidiary' }
const SETTINGS_VERSION = 2

function update (options) {
  const _id = options.resource._id
  const { keys } = state.getKeysForResource({ resourceType: 'integrations', _id })
  if (keys.includes('settingsVersion') &&
      state.getForResource({ resourceType: 'integrations', _id, key: 'settingsVersion' }) >= SETTINGS_VERSION) {
    console.log('settings already at version 2')
    return
  }

  const integration = integrations.get(_id)
  if (!integration) throw new Error(`integration ${_id} not found: was it deleted while updating?`)
  const settings = { ...integration.settings }
  for (const [oldName, newName] of Object.entries(RENAMED)) {
    if (oldName in settings) {
      settings[newName] = settings[oldName]
      delete settings[oldName]
    }
  }
  integrations.update({ ...integration, settings })
  state.putForResource({ resourceType: 'integrations', _id, key: 'settingsVersion', value: SETTINGS_VERSION })
}
