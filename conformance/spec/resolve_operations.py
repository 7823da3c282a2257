"""Resolving operations: each parameter merged across its layers (family -> upstream model ->
provider -> provider model), its rules checked, and the operation's answer (the family's, with the
provider's changes from spec/answers.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from conformance.spec import model as m
from conformance.spec.answers import patch_response_schema
from conformance.spec.diagnostics import Location
from conformance.spec.json_mapping import apply_mapping, read_mapping
from conformance.spec.resolve_catalogues import CatalogueResolver
from conformance.spec.resolve_gateways import planned_path, wire_forms
from conformance.spec.source import SourceDocument, pointer_join
from conformance.spec.suggest import closest

_MERGED_KEYS = {"source", "note", "notes", "supported"}


def _near(name: str, known: dict[str, Any]) -> str:
    near = closest(name, known)
    return f"did you mean {near!r}? " if near is not None else ""


@dataclass
class _Layer:
    """One layer's statement about a parameter: its fields and where each was written."""

    fields: dict[str, Any]
    doc: SourceDocument
    pointer: str


@dataclass
class _ParamDraft:
    name: str
    layers: list[_Layer] = field(default_factory=list)


_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
}


def _requires_problem(
    p: m.Parameter, other: m.Parameter | None, value: Any
) -> tuple[str | None, str]:
    """(what is wrong with `p` requiring `other` to hold `value`, how to fix it)."""
    if other is None:
        return None, ""
    if other is p:
        return f"{p.name} requires itself", "name another parameter"
    if other.location != "body" or p.location != "body" or other.path[:-1] != p.path[:-1]:
        return (
            f"{p.name} requires {other.name}, which is not in the same body object",
            "`requires` names a body parameter beside this one (same parent object)",
        )
    expected = _JSON_TYPES.get(other.type)
    if (
        expected is None
        or not isinstance(value, expected)
        or (other.type != "boolean" and isinstance(value, bool))
    ):
        return (
            f"{p.name} requires {other.name} = {value!r}, not a {other.type} value",
            "quote strings; write numbers and booleans bare",
        )
    if other.enum is not None and value not in other.enum:
        return (
            f"{p.name} requires {other.name} = {value!r}, not in its enum {list(other.enum)}",
            "require one of the documented values",
        )
    low, high = other.minimum, other.maximum
    number = value if isinstance(value, int | float) else None
    if number is not None and (
        (low is not None and number < low) or (high is not None and number > high)
    ):
        return (
            f"{p.name} requires {other.name} = {value!r}, outside its range",
            "require a value within the documented minimum and maximum",
        )
    return None, ""


class OperationResolver(CatalogueResolver):
    # -- operations and parameters -----------------------------------------------------------

    def operation(
        self,
        doc: SourceDocument,
        at: str,
        raw_model: dict[str, Any],
        name: str,
        provider_op: dict[str, Any],
        up_doc: SourceDocument,
        up_at: str,
        up: dict[str, Any],
    ) -> m.Operation | None:
        family = self.families.get(provider_op["family"])
        if family is None or name not in family[1]["operations"]:
            return None
        fam_doc, fam = family
        fam_at = pointer_join("/operations", name)
        fam_op = fam["operations"][name]
        drafts: dict[str, _ParamDraft] = {}
        for i, p in enumerate(fam_op["parameters"]):
            p_at = pointer_join(pointer_join(fam_at, "parameters"), i)
            if p["name"] in drafts:
                self.err(fam_doc, p_at, "spec.duplicate", f"parameter {p['name']!r} defined twice")
                continue
            drafts[p["name"]] = _ParamDraft(p["name"], [_Layer(dict(p), fam_doc, p_at)])
        included: set[str] = set()
        layers: list[tuple[SourceDocument, str, dict[str, Any], bool]] = []
        if up["family"] == provider_op["family"]:
            layers.append(
                (up_doc, pointer_join(up_at, "parameters"), up.get("parameters", {}), False)
            )
        layers.append(
            (
                doc,
                pointer_join(pointer_join("/operations", name), "parameters"),
                provider_op["parameters"],
                True,
            )
        )
        model_params = {k: v for k, v in raw_model.get("parameters", {}).items()}
        layers.append((doc, pointer_join(at, "parameters"), model_params, True))
        for layer_doc, layer_at, entries, includes in layers:
            for pname, fields in entries.items():
                p_at = pointer_join(layer_at, pname)
                if pname not in drafts:
                    if "path" not in fields and "in" not in fields:
                        known = ", ".join(sorted(drafts))
                        if (
                            layer_doc is doc
                            and layer_at.startswith(at)
                            and pname
                            in {n for o in doc.data["operations"].values() for n in o["parameters"]}
                        ):
                            continue  # belongs to another operation of this provider
                        self.err(
                            layer_doc,
                            p_at,
                            "spec.unknown-parameter",
                            f"parameter {pname!r} is not defined by family "
                            f"{provider_op['family']!r}",
                            _near(pname, drafts)
                            + f"override one of: {known}; or give `path` to define a new one",
                        )
                        continue
                    missing = [k for k in ("type", "description", "source") if k not in fields]
                    if missing:
                        self.err(
                            layer_doc,
                            p_at,
                            "spec.required",
                            f"new parameter {pname!r} needs {', '.join(missing)}",
                        )
                        continue
                    drafts[pname] = _ParamDraft(pname)
                drafts[pname].layers.append(_Layer(dict(fields), layer_doc, p_at))
                if includes:
                    included.add(pname)
        parameters: list[m.Parameter] = []
        for pname, draft in drafts.items():
            if pname not in included:
                continue
            if any(layer.fields.get("supported") is False for layer in draft.layers):
                continue
            param = self.parameter(draft, raw_model["id"])
            if param is not None:
                parameters.append(param)
        mapping = read_mapping(
            fam_doc,
            pointer_join(fam_at, "json_mapping"),
            fam_op.get("json_mapping"),
            self.required_source,
            self.conflicts,
        )
        parameters = apply_mapping(mapping, parameters, raw_model["id"], self.sink)
        self.check_structure(at, name, parameters)
        self.check_requires(name, parameters)
        job = None
        if "job" in fam_op:
            j = fam_op["job"]
            if j["poll"] not in fam["operations"]:
                self.err(
                    fam_doc,
                    pointer_join(fam_at, "job/poll"),
                    "spec.unknown-operation",
                    f"job polls unknown operation {j['poll']!r}",
                )
            job = m.JobSpec(
                j["poll"],
                j["id_pointer"],
                j["status_pointer"],
                tuple(j["states"]),
                tuple(j["terminal"]),
                j["success"],
                self.required_source(fam_doc, pointer_join(fam_at, "job/source"), j["source"]),
            )
        limit = fam_op.get("body_limit")
        template = provider_op.get("path", fam_op["path"])
        return m.Operation(
            name=name,
            family=provider_op["family"],
            method=fam_op["method"],
            path_template=template,
            path=planned_path(self, doc, name, provider_op, template, raw_model["id"]),
            success_status=provider_op.get("success_status", fam_op["success_status"]),
            parameters=tuple(parameters),
            response=self.provider_response(
                doc,
                pointer_join(pointer_join("/operations", name), "response"),
                provider_op.get("response"),
                self.response(fam_doc, pointer_join(fam_at, "response"), fam_op["response"]),
            ),
            declared_at=fam_doc.location(fam_at),
            body_limit=limit["value"] if limit else None,
            job=job,
            json_mapping=mapping,
            wire=wire_forms(self, fam_doc, pointer_join(fam_at, "wire"), fam_op.get("wire")),
            path_params=tuple(sorted(provider_op.get("path_params", {}).items())),
        )

    def locator(self, doc: SourceDocument, at: str, images: dict[str, Any]) -> m.ImageLocator:
        return m.ImageLocator(
            images["items"],
            images.get("data"),
            images.get("mime"),
            images.get("uri"),
            images.get("filtered"),
            images.get("form"),
            self.required_source(doc, pointer_join(at, "source"), images["source"])
            if "source" in images
            else None,
        )

    def response(self, doc: SourceDocument, at: str, raw: dict[str, Any]) -> m.ResponseSpec:
        images = raw.get("images")
        return m.ResponseSpec(
            content_type=raw["content_type"],
            schema=raw["schema"],
            foreign_shapes=dict(raw.get("foreign_shapes", {})),
            images=self.locator(doc, pointer_join(at, "images"), images) if images else None,
            image_forms=tuple(
                self.locator(doc, f"{at}/image_forms/{i}", form)
                for i, form in enumerate(raw.get("image_forms", []))
            ),
            blocked=tuple(
                m.BlockedRule(
                    b["pointer"], b["outcome"], tuple(b["values"]) if "values" in b else None
                )
                for b in raw.get("blocked", [])
            ),
            declared_at=doc.location(at),
            required=tuple(
                m.RequiredField(
                    r["pointer"],
                    self.required_source(doc, f"{at}/required/{i}/source", r["source"]),
                    doc.location(f"{at}/required/{i}"),
                    r.get("when"),
                )
                for i, r in enumerate(raw.get("required", []))
            ),
        )

    def provider_response(
        self, doc: SourceDocument, at: str, raw: dict[str, Any] | None, family: m.ResponseSpec
    ) -> m.ResponseSpec:
        """The family's answer with the provider's nullable and extra fields (spec/answers.py)."""
        if raw is None:
            return family
        self.required_source(doc, pointer_join(at, "source"), raw["source"])
        nullable, fields = raw.get("nullable", []), raw.get("fields", {})
        schema, unknown = patch_response_schema(family.schema, nullable, fields)
        for pointer in unknown:
            key = "nullable" if pointer in nullable else "fields"
            where = pointer_join(at, key)
            self.err(
                doc,
                pointer_join(where, nullable.index(pointer)) if key == "nullable" else where,
                "spec.unknown-field",
                f"{pointer} is not a field of the family's answer",
                "point at a field of the response schema (`*` for every array item); "
                "`fields` adds a field under an existing object",
            )
        return replace(family, schema=schema)

    def check_structure(self, at: str, op: str, params: list[m.Parameter]) -> None:
        """Every body parameter's parent container must be included too."""
        paths = {p.path for p in params if p.location == "body"}
        for p in params:
            if p.location != "body" or not p.path:
                continue
            parent = p.path[:-1]
            if parent and parent[-1] == m.WILDCARD:
                parent = parent[:-1]
            if parent not in paths and ((*parent, m.WILDCARD)) not in paths and parent != ():
                self.sink.error(
                    p.declared_at,
                    "spec.orphan",
                    f"{p.name} sits inside /{'/'.join(parent)}, which {op} at this "
                    f"provider does not include",
                    pointer=at,
                    hint="include the container parameter too",
                )

    def check_requires(self, op: str, params: list[m.Parameter]) -> None:
        """Every `requires` names a sibling body parameter of the same operation, with a value
        that parameter accepts: a rule on a name the operation lacks could never be met, and a
        positive request the planner builds to satisfy it would be invalid."""
        known = {p.name: p for p in params}
        for p in params:
            for name, value in p.requires:
                other = known.get(name)
                problem, hint = _requires_problem(p, other, value)
                if other is None:
                    problem = f"{p.name} requires {name!r}, which {op} does not include"
                    hint = _near(name, known) + "name a parameter of the same operation"
                if problem is None:
                    continue
                where = p.rule_locations.get(f"requires/{name}", p.rule_location("requires"))
                code = "spec.unknown-parameter" if other is None else "spec.requires"
                if any(d.location == where and d.message == problem for d in self.sink.items):
                    continue  # the same provider operation, resolved for another model
                self.sink.error(where, code, problem, pointer=p.pointer, hint=hint)

    def parameter(self, draft: _ParamDraft, model_id: str) -> m.Parameter | None:
        merged: dict[str, Any] = {}
        where: dict[str, Location] = {}
        sources: list[m.Source] = []
        notes: list[str] = []
        for layer in draft.layers:
            for key, value in layer.fields.items():
                loc = layer.doc.location(pointer_join(layer.pointer, key))
                if key == "source":
                    src = self.source(layer.doc, pointer_join(layer.pointer, key), value)
                    if src is not None:
                        sources.insert(0, src)
                elif key == "note":
                    notes.append(value)
                elif key == "notes":
                    notes.extend(value)
                elif key in _MERGED_KEYS:
                    continue
                elif value is None:
                    merged.pop(key, None)
                    where[key] = loc
                else:
                    merged[key] = value
                    where[key] = loc
                    if key == "requires" and isinstance(value, dict):
                        for name in value:
                            at = pointer_join(pointer_join(layer.pointer, key), name)
                            where[f"requires/{name}"] = layer.doc.location(at)
        first = draft.layers[0]
        declared = first.doc.location(first.pointer)
        if not sources:
            if not any("source" in layer.fields for layer in draft.layers):
                return None
            # Its source is unknown, which is reported once; dropping the parameter as well
            # would report every fact that depends on it (a default count, a container) again.
            sources.append(m.Source("unknown", "unknown", "", ""))
        location = merged.get("in", "body")
        path_text = merged.get("path", "")
        path = tuple(path_text.split("/")[1:]) if path_text else ()
        if location != "body":
            path = (draft.name,)
        enum = merged.get("enum")
        concept = merged.get("concept")
        if concept == "model" or (location == "path" and draft.name == "model"):
            enum = [model_id]
            if "default" in merged:
                merged["default"] = model_id
        limit = merged.get("max_length")
        param = m.Parameter(
            name=draft.name,
            location=location,
            path=path,
            aliases=tuple(merged.get("aliases", [])),
            type=merged["type"],
            required=bool(merged.get("required", False)),
            required_in=merged.get("required_in", "each"),
            enforcement=merged.get("enforcement", "enforced"),
            description=merged["description"],
            sources=tuple(sources),
            declared_at=declared,
            concept=concept,
            has_default="default" in merged,
            default=merged.get("default"),
            default_note=merged.get("default_note"),
            default_enforcement=merged.get("default_enforcement", "enforced"),
            enum=tuple(enum) if enum is not None else None,
            items_enum=tuple(merged["items_enum"]) if "items_enum" in merged else None,
            case_insensitive=bool(merged.get("case_insensitive", False)),
            values_from=self.source(first.doc, first.pointer, merged.get("values_from")),
            value_mime=merged.get("value_mime"),
            minimum=merged.get("minimum"),
            maximum=merged.get("maximum"),
            min_length=merged.get("min_length"),
            max_length=m.LengthLimit(
                limit["value"], limit["unit"], limit.get("enforcement", "enforced")
            )
            if limit
            else None,
            min_items=merged.get("min_items"),
            max_items=merged.get("max_items"),
            unique_items=bool(merged.get("unique_items", False)),
            format=merged.get("format"),
            closed=bool(merged.get("closed", False)),
            exactly_one_of=tuple(merged.get("exactly_one_of", [])),
            requires=tuple(merged.get("requires", {}).items()),
            secret=bool(merged.get("secret", False)),
            notes=tuple(notes),
            rule_locations=where,
        )
        self.check_parameter(param)
        return param

    def check_parameter(self, p: m.Parameter) -> None:
        def bad(rule: str, message: str, hint: str) -> None:
            self.sink.error(
                p.rule_location(rule), "spec.default", message, pointer=p.pointer, hint=hint
            )

        if not p.has_default or p.default is None:
            return
        if p.enum is not None and p.default not in p.enum:
            bad(
                "default",
                f"default {p.default!r} of {p.name} is not in its enum {list(p.enum)}",
                "fix the default or add the value to the enum",
            )
        if isinstance(p.default, int | float) and not isinstance(p.default, bool):
            if p.minimum is not None and p.default < p.minimum:
                bad(
                    "default",
                    f"default {p.default} of {p.name} is below its minimum {p.minimum}",
                    "fix the default or the range",
                )
            if p.maximum is not None and p.default > p.maximum:
                bad(
                    "default",
                    f"default {p.default} of {p.name} is above its maximum {p.maximum}",
                    "fix the default or the range",
                )
        types: dict[str, tuple[type, ...]] = {
            "string": (str,),
            "integer": (int,),
            "number": (int, float),
            "boolean": (bool,),
            "array": (list,),
            "object": (dict,),
        }
        expected = types[p.type]
        if not isinstance(p.default, expected) or (
            p.type != "boolean" and isinstance(p.default, bool)
        ):
            bad(
                "default",
                f"default {p.default!r} of {p.name} is not of type {p.type}",
                "quote strings; write numbers and booleans bare",
            )
