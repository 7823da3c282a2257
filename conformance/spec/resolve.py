"""Merge the spec layers into the model: family -> upstream model -> provider -> provider model.

Also the checks that span files: every cited source exists, every named family, envelope, model and
pixel table exists, defaults sit inside their enums and ranges, and no fact is stated twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from conformance.spec import model as m
from conformance.spec.diagnostics import Diagnostic, DiagnosticSink, Location, SpecError
from conformance.spec.files import SpecFiles, load_spec_files
from conformance.spec.json_mapping import apply_mapping, read_mapping
from conformance.spec.source import SourceDocument, pointer_join

_MERGED_KEYS = {"source", "note", "notes", "supported"}
_CASCADES = {
    "spec.unknown-source": "sources",
    "spec.unknown-envelope": "envelopes",
    "spec.unknown-family": "family",
    "spec.unknown-operation": "family",
    "spec.unknown-parameter": "family",
    "spec.unknown-model": "models",
    "spec.unknown-table": "models",
    "spec.no-default-count": "family",
    "spec.orphan": "family",
}


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


class _Resolver:
    def __init__(self, files: SpecFiles) -> None:
        self.files = files
        self.sink = DiagnosticSink()
        self.sink.extend(files.diagnostics)
        self.sources: dict[str, m.Source] = {}
        self.source_loc: dict[str, Location] = {}
        self.envelopes: dict[str, m.Envelope] = {}
        self.families: dict[str, tuple[SourceDocument, dict[str, Any]]] = {}
        self.upstream: dict[str, tuple[SourceDocument, str, dict[str, Any]]] = {}
        self.pixel_tables: dict[str, tuple[SourceDocument, str, dict[str, Any]]] = {}

    # -- helpers -----------------------------------------------------------------------------

    def err(
        self, doc: SourceDocument, pointer: str, code: str, message: str, hint: str = ""
    ) -> None:
        cascade_of = _CASCADES.get(code)
        broken = self.files.broken_kinds
        if cascade_of is not None and (cascade_of in broken or "*" in broken):
            return  # the file that should define it is broken and already reported
        self.sink.error(doc.location(pointer), code, message, pointer=pointer, hint=hint)

    def source(self, doc: SourceDocument, pointer: str, raw: Any) -> m.Source | None:
        if not isinstance(raw, dict) or "ref" not in raw:
            return None
        ref = raw["ref"]
        base = self.sources.get(ref)
        if base is None:
            self.err(
                doc,
                pointer_join(pointer, "ref"),
                "spec.unknown-source",
                f"source {ref!r} is not in sources.yaml",
                f"known sources: {', '.join(sorted(self.sources))}",
            )
            return None
        return m.Source(
            ref=ref,
            title=base.title,
            document=base.document,
            as_of=base.as_of,
            section=raw.get("section", base.section),
            says=raw.get("says"),
        )

    def required_source(self, doc: SourceDocument, pointer: str, raw: Any) -> m.Source:
        found = self.source(doc, pointer, raw)
        return found or m.Source(ref="unknown", title="unknown", document="", as_of="")

    def conflicts(self, doc: SourceDocument, pointer: str, raw: Any) -> tuple[m.Conflict, ...]:
        result = []
        for i, item in enumerate(raw or []):
            at = pointer_join(pointer, i)
            srcs = tuple(
                self.required_source(doc, pointer_join(pointer_join(at, "sources"), j), s)
                for j, s in enumerate(item["sources"])
            )
            result.append(
                m.Conflict(item["topic"], srcs, item["choice"], item["why"], doc.location(at))
            )
        return tuple(result)

    def lifecycle(
        self, doc: SourceDocument, pointer: str, raw: Any
    ) -> tuple[m.LifecycleEvent, ...]:
        return tuple(
            m.LifecycleEvent(
                status=item["status"],
                scope=item["scope"],
                source=self.required_source(
                    doc, pointer_join(pointer_join(pointer, i), "source"), item["source"]
                ),
                date=item.get("date"),
                note=item.get("note"),
            )
            for i, item in enumerate(raw or [])
        )

    # -- catalogues --------------------------------------------------------------------------

    def load_catalogues(self) -> None:
        for doc in self.files.of("sources"):
            for ref, raw in doc.data["sources"].items():
                at = pointer_join("/sources", ref)
                if ref in self.sources:
                    self.err(doc, at, "spec.duplicate", f"source {ref!r} defined twice")
                    continue
                self.sources[ref] = m.Source(
                    ref=ref,
                    title=raw["title"],
                    document=raw["document"],
                    as_of=raw["as_of"],
                    section=raw.get("section"),
                )
                self.source_loc[ref] = doc.key_location(at)
        for doc in self.files.of("envelopes"):
            for env_id, raw in doc.data["envelopes"].items():
                at = pointer_join("/envelopes", env_id)
                self.envelopes[env_id] = m.Envelope(
                    id=env_id,
                    title=raw["title"],
                    schema=raw["schema"],
                    content_type=raw["content_type"],
                    source=self.required_source(doc, pointer_join(at, "source"), raw["source"]),
                    assumed=bool(raw.get("assumed", False)),
                    declared_at=doc.key_location(at),
                )
        for doc in self.files.of("family"):
            fam_id = doc.data["id"]
            if fam_id in self.families:
                self.err(doc, "/id", "spec.duplicate", f"family {fam_id!r} defined twice")
                continue
            self.families[fam_id] = (doc, doc.data)
        for doc in self.files.of("models"):
            for name, raw in doc.data.get("pixel_tables", {}).items():
                self.pixel_tables[name] = (doc, pointer_join("/pixel_tables", name), raw)
            for model_id, raw in doc.data["models"].items():
                at = pointer_join("/models", model_id)
                if model_id in self.upstream:
                    self.err(
                        doc, at, "spec.duplicate", f"upstream model {model_id!r} defined twice"
                    )
                    continue
                self.upstream[model_id] = (doc, at, raw)
                if raw["family"] not in self.families:
                    self.err(
                        doc,
                        pointer_join(at, "family"),
                        "spec.unknown-family",
                        f"unknown family {raw['family']!r}",
                        f"known families: {', '.join(sorted(self.families))}",
                    )

    # -- providers ---------------------------------------------------------------------------

    def provider(self, doc: SourceDocument) -> m.Provider | None:
        data = doc.data
        envelope = self.envelopes.get(data["error_envelope"])
        if envelope is None:
            self.err(
                doc,
                "/error_envelope",
                "spec.unknown-envelope",
                f"unknown error envelope {data['error_envelope']!r}",
                f"known envelopes: {', '.join(sorted(self.envelopes))}",
            )
        auth = self.auth(doc, data["auth"])
        for op_name, op in data["operations"].items():
            if op["family"] not in self.families:
                self.err(
                    doc,
                    f"/operations/{op_name}/family",
                    "spec.unknown-family",
                    f"unknown family {op['family']!r}",
                    f"known families: {', '.join(sorted(self.families))}",
                )
            elif op_name not in self.families[op["family"]][1]["operations"]:
                self.err(
                    doc,
                    pointer_join("/operations", op_name),
                    "spec.unknown-operation",
                    f"family {op['family']!r} has no operation {op_name!r}",
                    f"its operations: {', '.join(self.families[op['family']][1]['operations'])}",
                )
        models: list[m.Model] = []
        seen: set[str] = set()
        for i, raw in enumerate(data["models"]):
            at = f"/models/{i}"
            if raw["id"] in seen:
                self.err(
                    doc,
                    pointer_join(at, "id"),
                    "spec.duplicate",
                    f"model {raw['id']!r} listed twice",
                )
                continue
            seen.add(raw["id"])
            model = self.model(doc, at, raw)
            if model is not None:
                models.append(model)
        if envelope is None:
            return None
        return m.Provider(
            id=data["id"],
            title=data["title"],
            base_url=data["base_url"],
            auth=auth,
            envelope=envelope,
            models=tuple(models),
            conflicts=self.conflicts(doc, "/conflicts", data.get("conflicts")),
            declared_at=doc.location(""),
            file=doc.path,
        )

    def auth(self, doc: SourceDocument, raw: dict[str, Any]) -> m.AuthSpec:
        def rejection(key: str) -> m.AuthRejection:
            r = raw["reject"][key]
            return m.AuthRejection(
                tuple(r["status"]), r["error_status"], r["message"], r.get("reason")
            )

        schemes = tuple(
            m.AuthScheme(
                s["kind"],
                s["name"],
                self.required_source(doc, f"/auth/schemes/{i}/source", s["source"]),
            )
            for i, s in enumerate(raw["schemes"])
        )
        return m.AuthSpec(
            key_env=raw["key_env"],
            schemes=schemes,
            missing=rejection("missing"),
            wrong=rejection("wrong"),
            source=self.required_source(doc, "/auth/source", raw["source"]),
            notes=tuple(raw.get("notes", [])),
        )

    def model(self, doc: SourceDocument, at: str, raw: dict[str, Any]) -> m.Model | None:
        upstream_entry = self.upstream.get(raw["upstream"])
        if upstream_entry is None:
            self.err(
                doc,
                pointer_join(at, "upstream"),
                "spec.unknown-model",
                f"unknown upstream model {raw['upstream']!r}",
                f"known upstream models: {', '.join(sorted(self.upstream))}",
            )
            return None
        up_doc, up_at, up = upstream_entry
        provider_ops = doc.data["operations"]
        wanted = raw.get("operations")
        if wanted is None:
            wanted = [n for n, o in provider_ops.items() if o["family"] == up["family"]]
            if not wanted:
                wanted = list(provider_ops)
        operations: list[m.Operation] = []
        for name in wanted:
            if name not in provider_ops:
                self.err(
                    doc,
                    pointer_join(at, "operations"),
                    "spec.unknown-operation",
                    f"provider has no operation {name!r}",
                )
                continue
            op = self.operation(doc, at, raw, name, provider_ops[name], up_doc, up_at, up)
            if op is not None:
                operations.append(op)
        pixel_sizes = self.pixels(up_doc, up_at, up)
        default_count, count_source = self.default_count(
            doc, at, raw, up_doc, up_at, up, operations
        )
        price = None
        if "price" in raw:
            p = raw["price"]
            price = m.Price(
                p["value"],
                p["unit"],
                p["per"],
                self.required_source(doc, pointer_join(at, "price/source"), p["source"]),
            )
        for op in operations:
            self.check_model_rules(at, op, tuple(up["tiers"]))
        return m.Model(
            id=raw["id"],
            upstream=raw["upstream"],
            title=up["title"],
            family=operations[0].family if operations else up["family"],
            capabilities=tuple(up["capabilities"]),
            output_mime=self.output_mime(operations, up["output_mime"]),
            tiers=tuple(up["tiers"]),
            default_image_count=default_count,
            default_image_count_source=count_source,
            pixel_sizes=pixel_sizes,
            tokens_per_image=dict(up.get("tokens_per_image", {})),
            lifecycle=self.lifecycle(doc, pointer_join(at, "lifecycle"), raw.get("lifecycle")),
            upstream_lifecycle=self.lifecycle(
                up_doc, pointer_join(up_at, "lifecycle"), up["lifecycle"]
            ),
            operations=tuple(operations),
            conflicts=self.conflicts(up_doc, pointer_join(up_at, "conflicts"), up.get("conflicts"))
            + self.conflicts(doc, pointer_join(at, "conflicts"), raw.get("conflicts")),
            declared_at=doc.location(at),
            price=price,
            notes=tuple(raw.get("notes", [])),
        )

    @staticmethod
    def output_mime(operations: list[m.Operation], upstream_mime: str) -> str:
        for op in operations:
            param = op.by_concept("output_format")
            if param is not None and param.has_default:
                mapping = param.value_mime or {}
                return mapping.get(str(param.default), str(param.default))
        return upstream_mime

    def default_count(
        self,
        doc: SourceDocument,
        at: str,
        raw: dict[str, Any],
        up_doc: SourceDocument,
        up_at: str,
        up: dict[str, Any],
        operations: list[m.Operation],
    ) -> tuple[int, m.Source]:
        from_param = next(
            (p for op in operations if (p := op.by_concept("image_count")) and p.has_default),
            None,
        )
        stated = raw.get("default_image_count")
        if from_param is not None:
            if stated is not None:
                self.err(
                    doc,
                    pointer_join(at, "default_image_count"),
                    "spec.stated-twice",
                    f"default image count is already the default of {from_param.name}",
                    "remove default_image_count; the parameter's default is the fact",
                )
            return int(from_param.default), from_param.source
        if stated is not None:
            return stated["value"], self.required_source(
                doc, pointer_join(at, "default_image_count/source"), stated["source"]
            )
        if "default_image_count" in up:
            count = up["default_image_count"]
            return count["value"], self.required_source(
                up_doc, pointer_join(up_at, "default_image_count/source"), count["source"]
            )
        self.err(
            doc,
            at,
            "spec.no-default-count",
            f"model {raw['id']!r} has no default image count",
            "give an image_count parameter a default, or set default_image_count",
        )
        return 1, m.Source("unknown", "unknown", "", "")

    def pixels(self, doc: SourceDocument, at: str, up: dict[str, Any]) -> tuple[m.PixelEntry, ...]:
        entries: list[m.PixelEntry] = []
        for i, name in enumerate(up.get("pixel_tables", [])):
            table = self.pixel_tables.get(name)
            if table is None:
                self.err(
                    doc,
                    f"{at}/pixel_tables/{i}",
                    "spec.unknown-table",
                    f"unknown pixel table {name!r}",
                    f"known tables: {', '.join(sorted(self.pixel_tables))}",
                )
                continue
            t_doc, t_at, raw = table
            source = self.required_source(t_doc, pointer_join(t_at, "source"), raw["source"])
            for ratio, tiers in raw["sizes"].items():
                for tier, size in tiers.items():
                    pointer = pointer_join(pointer_join(pointer_join(t_at, "sizes"), ratio), tier)
                    if tier not in up["tiers"]:
                        continue
                    width, height = (int(v) for v in size.split("x"))
                    entries.append(
                        m.PixelEntry(
                            ratio,
                            tier,
                            m.PixelSize(width, height),
                            raw["enforcement"],
                            source,
                            t_doc.location(pointer),
                        )
                    )
        return tuple(entries)

    def check_model_rules(self, at: str, op: m.Operation, tiers: tuple[str, ...]) -> None:
        size = op.by_concept("image_size")
        if size is not None and size.enum is not None and size.enforcement == "enforced":
            unknown = [v for v in size.enum if v not in tiers]
            if unknown:
                self.sink.error(
                    size.rule_location("enum"),
                    "spec.tier",
                    f"{size.name} allows {unknown} but the model's tiers are {list(tiers)}",
                    pointer=at,
                    hint="narrow the enum on the model or add the tier upstream",
                )

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
                            f"override one of: {known}; or give `path` to define a new one",
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
        return m.Operation(
            name=name,
            family=provider_op["family"],
            method=fam_op["method"],
            path_template=fam_op["path"],
            path=fam_op["path"].replace("{model}", raw_model["id"]),
            success_status=fam_op["success_status"],
            parameters=tuple(parameters),
            response=self.response(fam_doc, pointer_join(fam_at, "response"), fam_op["response"]),
            declared_at=fam_doc.location(fam_at),
            body_limit=limit["value"] if limit else None,
            job=job,
            json_mapping=mapping,
        )

    def response(self, doc: SourceDocument, at: str, raw: dict[str, Any]) -> m.ResponseSpec:
        images = raw.get("images")
        return m.ResponseSpec(
            content_type=raw["content_type"],
            schema=raw["schema"],
            foreign_shapes=dict(raw.get("foreign_shapes", {})),
            images=m.ImageLocator(
                images["items"],
                images.get("data"),
                images.get("mime"),
                images.get("uri"),
                images.get("filtered"),
            )
            if images
            else None,
            blocked=tuple(
                m.BlockedRule(
                    b["pointer"], b["outcome"], tuple(b["values"]) if "values" in b else None
                )
                for b in raw.get("blocked", [])
            ),
            declared_at=doc.location(at),
        )

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
        first = draft.layers[0]
        declared = first.doc.location(first.pointer)
        if not sources:
            return None
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

    # -- all ---------------------------------------------------------------------------------

    def run(self) -> m.Spec:
        self.load_catalogues()
        providers: list[m.Provider] = []
        ids: set[str] = set()
        for doc in self.files.of("provider"):
            if doc.data["id"] in ids:
                self.err(doc, "/id", "spec.duplicate", f"provider {doc.data['id']!r} defined twice")
                continue
            ids.add(doc.data["id"])
            provider = self.provider(doc)
            if provider is not None:
                providers.append(provider)
        if not providers and self.sink.ok:
            self.sink.error(
                Location(str(self.files.root), 1, 1),
                "spec.empty",
                "no provider files found",
                hint="add specs/providers/<id>.yaml",
            )
        providers.sort(key=lambda p: p.id)
        return m.Spec(
            providers=tuple(providers),
            sources=dict(self.sources),
            envelopes=dict(self.envelopes),
            root=str(self.files.root),
        )


def check_spec(root: Path) -> tuple[m.Spec | None, list[Diagnostic]]:
    """Load, check and resolve a spec tree; the spec is None when any error was found."""
    if not root.is_dir():
        return None, [
            Diagnostic(
                Location(str(root), 1, 1),
                "spec.root",
                f"spec directory {root} does not exist",
                hint="pass --specs DIR pointing at a spec tree",
            )
        ]
    resolver = _Resolver(load_spec_files(root))
    spec = resolver.run()
    diagnostics = resolver.sink.sorted()
    return (spec if resolver.sink.ok else None), diagnostics


def load_spec(root: Path) -> m.Spec:
    """Like `check_spec`, but raises `SpecError` with every diagnostic on failure."""
    spec, diagnostics = check_spec(root)
    if spec is None:
        raise SpecError(diagnostics)
    return spec
