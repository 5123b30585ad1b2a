"""How the OpenAPI schema describes Huikuan's Bearer token scheme."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "huikuan.api.auth.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": 'The token of "huikuan user token", as "Authorization: Bearer <token>".',
        }


_BLANK = {"type": "string", "maxLength": 0}


def blank_or_pattern(result, generator, request, public):
    """drf-spectacular states "blank or this pattern" as ``oneOf``; Huikuan's text pattern also
    matches the blank string, so ``""`` would match both and break ``oneOf``: say ``anyOf``."""

    def visit(node):
        if isinstance(node, dict):
            options = node.get("oneOf")
            if isinstance(options, list) and _BLANK in options:
                node["anyOf"] = node.pop("oneOf")
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(result)
    return result
