"""The cells of a parsed document as :class:`~scorer.semantic.duplicates.TextItem` objects,
so a document check and a batch compare the same things the same way."""

from __future__ import annotations

from collections.abc import Iterator
from operator import attrgetter

from scorer.document import Document, Project
from scorer.semantic.duplicates import TextItem
from scorer.semantic.textnorm import Field, informative

#: The indicator cells compared for copies, with the attribute of ``Indicator`` each reads.
INDICATOR_FIELDS: tuple[tuple[str, str], ...] = (("name", "name"), ("description", "description"),
                                                  ("target", "target_raw"))

_FIELD_NAMES = tuple(field_name for field_name, _ in INDICATOR_FIELDS)
#: the three cells of an indicator in one call (a batch reads every indicator's cells twice).
_indicator_texts = attrgetter(*(attr for _, attr in INDICATOR_FIELDS))


def document_id(doc: Document) -> str:
    """What identifies a document among others: its file, else its content hash."""
    return doc.source or doc.sha256 or "<document>"


def project_purpose(project: Project) -> str:
    """资金用途 and goals: what the fund is for, beyond its name."""
    return " ".join([project.fund_use, *(g.text for g in project.goals)])


def project_cells(project: Project) -> Iterator[tuple[int | None, Field, str]]:
    """(indicator index, or None for a goal; field; text) of every name, description,
    指标值 and goal of ``project``, in document order."""
    for i_index, ind in enumerate(project.indicators):
        for field_name, text in zip(_FIELD_NAMES, _indicator_texts(ind)):
            yield i_index, field_name, text  # type: ignore[misc]
    for goal in project.goals:
        yield None, "goal", goal.text


def document_items(doc: Document, document: str | None = None, *, informative_only: bool = False) -> list[TextItem]:
    """Every name, description, 指标值 and goal of ``doc``, in document order; with
    ``informative_only``, only those whose copies say anything (:func:`informative`), the
    only ones a copy analysis looks at: about half of a document's cells are numbers or
    empty, and their items need not be built."""
    source = document if document is not None else document_id(doc)
    items: list[TextItem] = []
    for p_index, project in enumerate(doc.projects):
        department = project.department or doc.department
        purpose = project_purpose(project)
        common = {"document": source, "department": department, "project": p_index,
                  "project_name": project.name, "project_purpose": purpose}
        indicators = project.indicators
        for i_index, field_name, text in project_cells(project):
            if informative_only and not informative(text, field_name):
                continue
            if i_index is None:
                items.append(TextItem(text, field_name, location=project.location, **common))
            else:
                ind = indicators[i_index]
                items.append(TextItem(text, field_name, indicator=i_index, indicator_name=ind.name,
                                      location=ind.location, **common))
    return items
