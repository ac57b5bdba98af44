"""The deck written out: slides added in order, then the zip repacked so the bytes repeat."""

from __future__ import annotations

import datetime as dt
import io
import os
import zipfile
from dataclasses import dataclass

from generator.deck import (
    Deck,
    Meta,
    Slide,
)
from generator.errors import BuildError, Problem
from generator.render.pptx.frames import deck_geometry
from generator.render.pptx.paginate import Paginated, paginate
from generator.render.pptx.plan import plan_slide
from generator.render.pptx.style import EARLIEST_ZIP_TIME


def render_pptx(deck: Deck) -> bytes:
    """The deck as .pptx bytes; the same deck (and SOURCE_DATE_EPOCH) gives the same bytes."""
    return render_pptx_with_problems(deck).data


@dataclass(frozen=True)
class RenderedPptx:
    data: bytes
    problems: tuple[Problem, ...]  # text continued on another slide or too long for its box


def paginate_deck(deck: Deck) -> Paginated:
    """The deck with overfull slides continued on "(cont.)" slides, each slide planned to measure it.

    Plans are plain values (plan.py): paginating loads no python-pptx, so an HTML-only build never does."""
    geometry = deck_geometry(deck.theme)
    return paginate(deck, lambda slide: plan_slide(deck, slide, slide.number, geometry).overflows)


def render_pptx_with_problems(deck: Deck) -> RenderedPptx:
    """The .pptx bytes and the warnings about text that had to continue or does not fit.

    A build hands over a paginated deck; a deck that is not (a renderer called on its own) is paginated here.
    Each slide is planned, then drawn once.
    """
    from generator.render.pptx.master import all_layouts, presentation_for
    from generator.render.pptx.slides import add_slide, write_notes

    problems: tuple[Problem, ...] = ()
    if not deck.paginated:
        paginated = paginate_deck(deck)
        deck, problems = paginated.deck, paginated.problems
    stamp = _build_timestamp(deck.meta)
    prs = presentation_for(deck.theme)
    geometry, layouts, found = deck_geometry(deck.theme), all_layouts(prs), {}
    for index, slide in enumerate(deck.slides, start=1):
        added = add_slide(prs, deck, plan_slide(deck, slide, slide.number or index, geometry), layouts, found)
        write_notes(added, slide.notes, deck.theme)
    _set_core_properties(prs, deck.meta, stamp)
    return RenderedPptx(_saved(prs, stamp), problems)


def _saved(prs, stamp: dt.datetime) -> bytes:
    """The .pptx bytes, every zip entry dated ``stamp``: the entries python-pptx's save writes, in its order,
    written once (saving, then rewriting each entry with a fixed time, compresses everything twice)."""
    try:
        entries = list(_package_entries(prs))
    except (ImportError, AttributeError):  # a python-pptx whose package is laid out otherwise: save, then fix
        buffer = io.BytesIO()
        prs.save(buffer)
        return _repack_with_fixed_time(buffer.getvalue(), stamp)
    return _zipped(entries, stamp)


def _package_entries(prs):
    """(member name, bytes) as python-pptx's PackageWriter writes them: content types, package rels, then each
    part and its rels."""
    from pptx.opc.oxml import serialize_part_xml
    from pptx.opc.packuri import CONTENT_TYPES_URI, PACKAGE_URI
    from pptx.opc.serialized import _ContentTypesItem

    package = prs.part.package
    parts = tuple(package.iter_parts())
    yield CONTENT_TYPES_URI.membername, serialize_part_xml(_ContentTypesItem.xml_for(parts))
    yield PACKAGE_URI.rels_uri.membername, package._rels.xml
    for part in parts:
        yield part.partname.membername, part.blob
        if part._rels:
            yield part.partname.rels_uri.membername, part.rels.xml


LATEST_ZIP_EPOCH = int(dt.datetime(2107, 12, 31, 23, 59, 58, tzinfo=dt.timezone.utc).timestamp())


def _build_timestamp(meta: Meta) -> dt.datetime:
    """The time stamped into the file: SOURCE_DATE_EPOCH, else the lecture's date, else 1980."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        if not epoch.isdigit():
            raise BuildError(f"SOURCE_DATE_EPOCH must be a whole number of seconds since 1970, not {epoch!r}.")
        if int(epoch) > LATEST_ZIP_EPOCH:
            raise BuildError(f"SOURCE_DATE_EPOCH {epoch} falls after 2107, the last year a zip file (a .pptx is one) "
                             "can record; unset it or give an earlier time.")
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).replace(tzinfo=None)
    if meta.date:
        day = dt.date.fromisoformat(meta.date[:10])
        return dt.datetime(day.year, day.month, day.day)
    return EARLIEST_ZIP_TIME


def _set_core_properties(prs, meta: Meta, stamp: dt.datetime) -> None:
    props = prs.core_properties
    props.title = meta.title
    props.author = meta.author
    props.subject = meta.series
    props.language = meta.language
    props.comments = ""  # the template says "generated using python-pptx"
    props.last_modified_by = "lecturegen"
    props.revision = 1
    props.created = stamp
    props.modified = stamp
    props.last_printed = stamp


def _repack_with_fixed_time(data: bytes, stamp: dt.datetime) -> bytes:
    # python-pptx stamps every zip entry with the current time; rewrite them, keeping order.
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        return _zipped([(entry.filename, source.read(entry.filename)) for entry in source.infolist()], stamp)


def _zipped(entries, stamp: dt.datetime) -> bytes:
    date_time = max(stamp, EARLIEST_ZIP_TIME).timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name, data in entries:
            fixed = zipfile.ZipInfo(name, date_time)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.create_system = 3  # otherwise the bytes depend on the OS that renders
            fixed.external_attr = 0o600 << 16
            target.writestr(fixed, data)
    return out.getvalue()
