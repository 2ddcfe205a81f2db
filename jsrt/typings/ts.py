"""TypeScript text: property names, doc comments and the types every declaration shares.

The shared types (`JsonObject`, `IntegratorError`, ...) are written once, in the
`integrator-api` module, and both the runtime objects (`jsrt.typings.api`) and the hook
types (`jsrt.typings.hooks`) name them.
"""

from __future__ import annotations

import json
import re

_IDENTIFIER = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")


def property_name(name: str) -> str:
    """A property name as TypeScript reads it: bare when it is an identifier, else quoted."""
    return name if _IDENTIFIER.fullmatch(name) else json.dumps(name)


def doc(text: str, indent: str) -> str:
    """A `/** ... */` comment of one or more lines, each line indented by `indent`."""
    lines = text.replace("*/", "*\\/").splitlines()
    if len(lines) == 1:
        return f"{indent}/** {lines[0]} */\n"
    body = "".join(f"{indent} * {line}".rstrip() + "\n" for line in lines)
    return f"{indent}/**\n{body}{indent} */\n"


def type_name(script_or_object: str) -> str:
    """The type-name stem of a script type or runtime object: `preSavePage` -> `PreSavePage`."""
    return script_or_object[:1].upper() + script_or_object[1:]


SHARED_TYPES = """\
  /** Any JSON object: every property may be read, and holds any value. */
  export interface JsonObject {
    [key: string]: any;
  }

  /**
   * A record: an object. Grouped data (and some file data) arrives as an array of
   * records instead, which the same type accepts.
   */
  export type JsonRecord = JsonObject;

  /** An integrator.io resource document (an export, a flow, a connection, ...). */
  export interface IntegratorDocument extends JsonObject {
    _id: string;
  }

  /** An error as integrator.io reports it: `{code, message, source}`. */
  export interface IntegratorError extends JsonObject {
    code?: string;
    message: string;
    source?: string;
  }

  /** One JSON-Patch operation (`patch` also takes an object of fields to set). */
  export interface JsonPatchOperation {
    op: "add" | "replace" | "remove";
    path: string;
    value?: any;
  }

  /**
   * What an import answered for one record (imports.run, imports.runVirtual, and the
   * `responseData` of postSubmit and postResponseMap): statusCode 200 (success), 422
   * (error) or 401 (the connection is offline); a lookup's response carries `data`.
   */
  export interface ImportResponse extends JsonObject {
    statusCode: number;
    id?: string;
    ignored?: boolean;
    errors?: IntegratorError[];
    _json?: JsonObject;
    dataURI?: string;
    data?: any;
  }
"""
"""The types both the runtime objects and the hooks name, in the `integrator-api` module."""
