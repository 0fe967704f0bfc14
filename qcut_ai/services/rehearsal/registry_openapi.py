"""fal's per-endpoint queue OpenAPI document, rebuilt from a registry record.

The stand-in's recorded registry keeps each endpoint as the distilled facts
fal's schema states (inputs with wire type, enum, default, limits, media kind,
list-ness, in `x-fal-order-properties` order; output property names). This
module writes them back in the structure of fal's genuine documents (see
tests/data/openapi-samples/, two of which are fal's own): components named
after the id, optional inputs without a default as `anyOf [X, null]`, enums
typed by their values, media lists marked `_fal_ui_field`, the four queue
paths, `QueueStatus` and `VideoFile`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

_QUEUE_STATUS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "status": {"type": "string", "enum": ["IN_QUEUE", "IN_PROGRESS", "COMPLETED"]},
        "request_id": {"type": "string", "description": "The request id."},
        "response_url": {"type": "string", "description": "The response url."},
        "status_url": {"type": "string", "description": "The status url."},
        "cancel_url": {"type": "string", "description": "The cancel url."},
        "logs": {"type": "object", "description": "The logs.", "additionalProperties": True},
        "metrics": {"type": "object", "description": "The metrics.", "additionalProperties": True},
        "queue_position": {"type": "integer", "description": "The queue position."},
    },
    "required": ["status", "request_id"],
}


def _nullable(type_name: str) -> dict[str, Any]:
    return {"anyOf": [{"type": type_name}, {"type": "null"}]}


_VIDEO_FILE: dict[str, Any] = {
    "required": ["url"],
    "type": "object",
    "title": "VideoFile",
    "properties": {
        "url": {"type": "string", "title": "Url"},
        "content_type": {"title": "Content Type", **_nullable("string")},
        "file_name": {"title": "File Name", **_nullable("string")},
        "file_size": {"title": "File Size", **_nullable("integer")},
        "width": {"title": "Width", **_nullable("integer")},
        "height": {"title": "Height", **_nullable("integer")},
        "fps": {"title": "Fps", **_nullable("number")},
        "duration": {"title": "Duration", **_nullable("number")},
        "num_frames": {"title": "Num Frames", **_nullable("integer")},
    },
    "x-fal-order-properties": [
        "url",
        "content_type",
        "file_name",
        "file_size",
        "width",
        "height",
        "fps",
        "duration",
        "num_frames",
    ],
}
_FILE: dict[str, Any] = {
    "required": ["url"],
    "type": "object",
    "title": "File",
    "properties": {
        "url": {"type": "string", "title": "Url"},
        "content_type": {"title": "Content Type", **_nullable("string")},
    },
}
_IMAGE_SIZE: dict[str, Any] = {
    "type": "object",
    "title": "ImageSize",
    "properties": {
        "width": {"type": "integer", "title": "Width"},
        "height": {"type": "integer", "title": "Height"},
    },
}


def component_base(endpoint_id: str) -> str:
    """PascalCase of the id without its owner segment: `kling-video/v2.1/...` -> KlingVideoV21..."""
    rest = endpoint_id.split("/", 1)[-1]
    words = re.split(r"[^A-Za-z0-9]+", rest)
    return "".join(w[:1].upper() + w[1:] for w in words if w)


def _enum_type(values: list[Any]) -> str | None:
    if all(isinstance(v, str) for v in values):
        return "string"
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return "integer"
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        return "number"
    return None  # mixed (e.g. [6, 8, 10, "auto"]): each value keeps its own type


def _property(item: Mapping[str, Any]) -> dict[str, Any]:
    name = str(item["name"])
    kind = item.get("type")
    schema: dict[str, Any] = {"title": name.replace("_", " ").title()}
    if kind == "enum" and item.get("enum"):
        values = list(item["enum"])
        inner: dict[str, Any] = {"enum": values}
        typed = _enum_type(values)
        if typed:
            inner["type"] = typed
        if item.get("has_custom_size"):
            inner = {"anyOf": [inner, {"$ref": "#/components/schemas/ImageSize"}]}
    elif kind == "json":
        inner = {"type": "object", "additionalProperties": True}
    elif kind in ("string", "integer", "number", "boolean", "enum"):
        inner = {"type": "string" if kind == "enum" else kind}
        if item.get("min") is not None:
            inner["minimum"] = item["min"]
        if item.get("max") is not None:
            inner["maximum"] = item["max"]
    else:
        inner = {}
    if item.get("is_list"):
        items = dict(inner)
        if item.get("media_kind"):
            items["_fal_ui_field"] = item["media_kind"]
        inner = {"type": "array", "items": items}
    default = item.get("default")
    if kind == "json" and isinstance(default, str):
        # The registry writes a structured default as its JSON text ("[]").
        try:
            default = json.loads(default)
        except ValueError:
            default = None
    if default is None and not item.get("required"):
        schema["anyOf"] = [inner, {"type": "null"}]
    else:
        schema.update(inner)
        if default is not None:
            schema["default"] = default
    return schema


def _output_schema(name: str, props: list[str]) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    for prop in props:
        if prop == "video":
            properties[prop] = {"$ref": "#/components/schemas/VideoFile"}
        elif prop == "seed":
            properties[prop] = {"type": "integer", "title": "Seed"}
        elif prop in ("audio", "thumbnail", "spritesheet", "viz_video", "mask_video"):
            properties[prop] = {"$ref": "#/components/schemas/File"}
        else:
            properties[prop] = {"title": prop.replace("_", " ").title()}
    order = (["video"] if "video" in props else []) + [p for p in props if p != "video"]
    return {
        "required": ["video"] if "video" in props else [],
        "type": "object",
        "title": name,
        "properties": properties,
        "x-fal-order-properties": order,
    }


def _request_id_param() -> dict[str, Any]:
    return {
        "name": "request_id",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "description": "Request ID"},
    }


def _json_response(description: str, ref: str) -> dict[str, Any]:
    return {
        "200": {
            "description": description,
            "content": {"application/json": {"schema": {"$ref": ref}}},
        }
    }


def _paths(endpoint_id: str, input_ref: str, output_ref: str) -> dict[str, Any]:
    base = "/" + endpoint_id
    status = "#/components/schemas/QueueStatus"
    logs_param = {
        "name": "logs",
        "in": "query",
        "required": False,
        "schema": {"type": "number", "description": "Whether to include logs (`1`) or not (`0`)."},
    }
    cancelled = {
        "200": {
            "description": "The request was cancelled.",
            "content": {
                "application/json": {
                    "schema": {"type": "object", "properties": {"success": {"type": "boolean"}}}
                }
            },
        }
    }
    return {
        f"{base}/requests/{{request_id}}/status": {
            "get": {
                "parameters": [_request_id_param(), logs_param],
                "responses": _json_response("The request status.", status),
            }
        },
        f"{base}/requests/{{request_id}}/cancel": {
            "put": {"parameters": [_request_id_param()], "responses": cancelled}
        },
        base: {
            "post": {
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": {"$ref": input_ref}}},
                },
                "responses": _json_response("The request status.", status),
            }
        },
        f"{base}/requests/{{request_id}}": {
            "get": {
                "parameters": [_request_id_param()],
                "responses": _json_response("Result of the request.", output_ref),
            }
        },
    }


def openapi_for(record: Mapping[str, Any]) -> dict[str, Any]:
    """The queue OpenAPI document fal serves for this registry record."""
    endpoint_id = str(record["endpoint_id"])
    base = component_base(endpoint_id)
    inputs = list(record.get("inputs") or [])
    input_schema = {
        "required": [str(i["name"]) for i in inputs if i.get("required")],
        "type": "object",
        "title": base + "Input",
        "properties": {str(i["name"]): _property(i) for i in inputs},
        "x-fal-order-properties": [str(i["name"]) for i in inputs],
    }
    schemas: dict[str, Any] = {
        "QueueStatus": _QUEUE_STATUS,
        base + "Input": input_schema,
        base + "Output": _output_schema(base + "Output", list(record.get("output_props") or [])),
        "VideoFile": _VIDEO_FILE,
        "File": _FILE,
    }
    if any(i.get("has_custom_size") for i in inputs):
        schemas["ImageSize"] = _IMAGE_SIZE
    return {
        "openapi": "3.0.4",
        "info": {
            "title": f"Queue OpenAPI for {endpoint_id}",
            "version": "1.0.0",
            "description": f"The OpenAPI schema for the {endpoint_id} queue.",
            "x-fal-metadata": {
                "endpointId": endpoint_id,
                "category": record.get("category", ""),
                "playgroundUrl": f"https://fal.ai/models/{endpoint_id}",
                "documentationUrl": f"https://fal.ai/models/{endpoint_id}/api",
            },
        },
        "components": {
            "securitySchemes": {
                "apiKeyAuth": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "Authorization",
                    "description": "Fal Key",
                }
            },
            "schemas": schemas,
        },
        "paths": _paths(
            endpoint_id,
            f"#/components/schemas/{base}Input",
            f"#/components/schemas/{base}Output",
        ),
        "servers": [{"url": "https://queue.fal.run"}],
        "security": [{"apiKeyAuth": []}],
    }
