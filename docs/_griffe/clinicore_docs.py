"""Griffe extension for clinicore's API reference (used by mkdocs.yml, not shipped).

attrs classes (``@attrs.frozen``, ``@attrs.define``) get their ``__init__`` from attrs at
run time, so static analysis sees no parameters. This extension rebuilds the ``__init__``
signature from the annotated fields, the way griffe's built-in dataclasses support does, so
the reference shows ``Patient(id, given_name, ...)`` and the "Args" sections of the class
docstrings match a real signature. (griffe-fieldz, tried first, adds field tables but leaves
the signature empty, so griffe still warns about every documented argument.)
"""

from __future__ import annotations

from typing import Any

import griffe

_ATTRS_DECORATORS = {
    "attrs.define",
    "attrs.frozen",
    "attrs.mutable",
    "attr.s",
    "attr.attrs",
    "attr.define",
    "attr.frozen",
    "attr.mutable",
}
_ATTRS_FIELDS = {"attrs.field", "attr.ib", "attr.attrib", "attr.field"}


def _call_arguments(expr: object) -> dict[str, Any]:
    if not isinstance(expr, griffe.ExprCall):
        return {}
    found: dict[str, Any] = {}
    for argument in expr.arguments:
        if isinstance(argument, griffe.ExprKeyword):
            found[argument.name] = argument.value
    return found


def _attrs_decorator(cls: griffe.Class) -> griffe.Decorator | None:
    for decorator in cls.decorators:
        value = decorator.value
        if isinstance(value, griffe.Expr) and value.canonical_path in _ATTRS_DECORATORS:
            return decorator
    return None


def _attrs_parameters(cls: griffe.Class, kw_only: bool) -> list[griffe.Parameter]:
    parameters: list[griffe.Parameter] = []
    for member in cls.members.values():
        if not isinstance(member, griffe.Attribute) or member.annotation is None:
            continue
        labels = member.labels
        if "property" in labels or (
            "class-attribute" in labels and "instance-attribute" not in labels
        ):
            continue
        value = member.value
        field_args: dict[str, Any] = {}
        if isinstance(value, griffe.ExprCall) and value.canonical_path in _ATTRS_FIELDS:
            field_args = _call_arguments(value)
            if str(field_args.get("init", "True")) == "False":
                continue
            if "default" in field_args:
                default: Any = field_args["default"]
            elif "factory" in field_args:
                default = griffe.ExprCall(function=field_args["factory"], arguments=[])
            else:
                default = None
        else:
            default = value
        name = str(field_args.get("alias", "")).strip("'\"") or member.name.lstrip("_")
        keyword_only = kw_only or str(field_args.get("kw_only", "False")) == "True"
        parameters.append(
            griffe.Parameter(
                name,
                annotation=member.annotation,
                kind=(
                    griffe.ParameterKind.keyword_only
                    if keyword_only
                    else griffe.ParameterKind.positional_or_keyword
                ),
                default=default,
                docstring=member.docstring,
            )
        )
    return parameters


def _add_attrs_init(cls: griffe.Class) -> None:
    decorator = _attrs_decorator(cls)
    if decorator is None or "__init__" in cls.members:
        return
    arguments = _call_arguments(decorator.value)
    if str(arguments.get("init", "True")) == "False":
        return
    kw_only = str(arguments.get("kw_only", "False")) == "True"
    parameters = _attrs_parameters(cls, kw_only)
    positional = [p for p in parameters if p.kind is not griffe.ParameterKind.keyword_only]
    keyword = [p for p in parameters if p.kind is griffe.ParameterKind.keyword_only]
    init = griffe.Function(
        "__init__",
        lineno=0,
        endlineno=0,
        parent=cls,
        parameters=griffe.Parameters(
            griffe.Parameter("self", kind=griffe.ParameterKind.positional_or_keyword),
            *positional,
            *keyword,
        ),
        returns="None",
    )
    cls.set_member("__init__", init)
    cls.labels.add("attrs")


def _walk(obj: griffe.Object, seen: set[str]) -> None:
    if obj.path in seen:
        return
    seen.add(obj.path)
    if isinstance(obj, griffe.Class):
        _add_attrs_init(obj)
    for member in list(obj.members.values()):
        if isinstance(member, griffe.Object):
            _walk(member, seen)


class ClinicoreDocs(griffe.Extension):
    """attrs signatures for clinicore's reference."""

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        """Fix every object of the loaded package."""
        _walk(pkg, set())
