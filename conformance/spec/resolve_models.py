"""Resolving a provider's models: the upstream model's facts, the operations it is sold on, its
default image count, pixel table and lifecycle, with where each was stated.
"""

from __future__ import annotations

from typing import Any

from conformance.spec import model as m
from conformance.spec.resolve_operations import OperationResolver
from conformance.spec.source import SourceDocument, pointer_join
from conformance.spec.suggest import known_hint


class ModelResolver(OperationResolver):
    def model(self, doc: SourceDocument, at: str, raw: dict[str, Any]) -> m.Model | None:
        upstream_entry = self.upstream.get(raw["upstream"])
        if upstream_entry is None:
            self.err(
                doc,
                pointer_join(at, "upstream"),
                "spec.unknown-model",
                f"unknown upstream model {raw['upstream']!r}",
                known_hint(raw["upstream"], self.upstream, "upstream models"),
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
            lifecycle_at=doc.location(pointer_join(at, "lifecycle"))
            if raw.get("lifecycle")
            else up_doc.location(pointer_join(up_at, "lifecycle"))
            if up["lifecycle"]
            else None,
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
                    known_hint(name, self.pixel_tables, "tables"),
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
