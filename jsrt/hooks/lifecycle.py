"""Scripts around resources rather than records: settings forms, saves, installs, updates.

formInit builds a settings form, preSave vets a resource being saved, and the
integration-app installer runs `step` (install and uninstall steps) and `update`. A throw
fails the whole operation.
"""

from __future__ import annotations

from typing import Any

from jsrt.hooks.base import Contract
from jsrt.hooks.context import PLACEHOLDER_IDS
from jsrt.hooks.inputs import OMIT, Inputs
from jsrt.hooks.returns import ignored_return, object_return

_INTEGRATION = {"_id": PLACEHOLDER_IDS["integration"], "name": "My integration", "settings": {}}
_FORM: dict[str, Any] = {"fieldMap": {}, "layout": {"fields": []}}
_LICENSE = {"_id": PLACEHOLDER_IDS["license"]}


def _form_init_inputs(read: Inputs) -> None:
    read.object("resource", {**_INTEGRATION, "settingsForm": {"form": _FORM}})
    for key in ("parentResource", "grandparentResource", "license", "parentLicense"):
        read.object(key, OMIT)
    read.boolean("sandbox", False)


def _pre_save_inputs(read: Inputs) -> None:
    read.object("newResource", hint='give the resource being saved as "newResource": {...}')
    read.object("oldResource", OMIT)
    read.boolean("sandbox", False)


def _step_inputs(read: Inputs) -> None:
    read.object("formSubmission", OMIT)
    read.string("_connectionId", OMIT)
    _update_inputs(read)


def _update_inputs(read: Inputs) -> None:
    read.object("resource", _INTEGRATION)
    read.object("license", _LICENSE)


_INSTALLED = {
    "_id": "65a4c2e19b1d0a0012f3e001",
    "name": "Shopify - NetSuite",
    "_connectorId": "65a4c2e19b1d0a0012f3e0ff",
    "settings": {"storeName": "acme-store", "subsidiary": "1"},
}
_INSTALLED_LICENSE = {
    "_id": "65a4c2e19b1d0a0012f3e0aa",
    "edition": "standard",
    "expires": "2026-01-15T00:00:00.000Z",
}

FORM_INIT = Contract(
    name="formInit",
    script_kind="script",
    on_throw="fatal",
    sample={
        "resource": {
            **_INSTALLED,
            "settingsForm": {
                "form": {
                    "fieldMap": {
                        "storeName": {
                            "id": "storeName",
                            "name": "storeName",
                            "type": "text",
                            "label": "Shopify store name",
                            "required": True,
                        },
                    },
                    "layout": {"fields": ["storeName"]},
                },
            },
        },
        "license": _INSTALLED_LICENSE,
    },
    read_inputs=_form_init_inputs,
    check_return=object_return(
        "formInit", "the form to render, an object such as {fieldMap, layout}"
    ),
)
PRE_SAVE = Contract(
    name="preSave",
    script_kind="script",
    on_throw="fatal",
    sample={
        "newResource": {
            "_id": "65a4c2e19b1d0a0012f3e010",
            "name": "Get Shopify orders",
            "_connectionId": "65a4c2e19b1d0a0012f3e020",
            "http": {"relativeURI": "/orders.json?status=open", "method": "GET"},
        },
        "oldResource": {
            "_id": "65a4c2e19b1d0a0012f3e010",
            "name": "Get Shopify orders",
            "_connectionId": "65a4c2e19b1d0a0012f3e020",
            "http": {"relativeURI": "/orders.json", "method": "GET"},
        },
    },
    read_inputs=_pre_save_inputs,
    check_return=object_return(
        "preSave", "the resource to save, an object (usually options.newResource)"
    ),
)
STEP = Contract(
    name="step",
    script_kind="installer",
    on_throw="fatal",
    sample={
        "formSubmission": {"storeName": "acme-store", "subsidiary": "1"},
        "resource": _INSTALLED,
        "license": _INSTALLED_LICENSE,
    },
    read_inputs=_step_inputs,
    check_return=ignored_return("step"),
)
UPDATE = Contract(
    name="update",
    script_kind="installer",
    on_throw="fatal",
    sample={"resource": _INSTALLED, "license": _INSTALLED_LICENSE},
    read_inputs=_update_inputs,
    check_return=ignored_return("update"),
)

CONTRACTS = (FORM_INIT, PRE_SAVE, STEP, UPDATE)
