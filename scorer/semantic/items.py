"""The cells of a parsed document as :class:`~scorer.semantic.duplicates.TextItem` objects,
so a document check and a batch compare the same things the same way."""

from __future__ import annotations

from scorer.document import Document, Project
from scorer.semantic.duplicates import TextItem

#: The indicator cells compared for copies, with the attribute of ``Indicator`` each reads.
INDICATOR_FIELDS: tuple[tuple[str, str], ...] = (("name", "name"), ("description", "description"),
                                                  ("target", "target_raw"))


def document_id(doc: Document) -> str:
    """What identifies a document among others: its file, else its content hash."""
    return doc.source or doc.sha256 or "<document>"


def project_purpose(project: Project) -> str:
    """资金用途 and goals: what the fund is for, beyond its name."""
    return " ".join([project.fund_use, *(g.text for g in project.goals)])


def document_items(doc: Document, document: str | None = None) -> list[TextItem]:
    """Every name, description, 指标值 and goal of ``doc``, in document order."""
    source = document if document is not None else document_id(doc)
    items: list[TextItem] = []
    for p_index, project in enumerate(doc.projects):
        department = project.department or doc.department
        purpose = project_purpose(project)
        common = {"document": source, "department": department, "project": p_index,
                  "project_name": project.name, "project_purpose": purpose}
        for i_index, ind in enumerate(project.indicators):
            for field_name, attr in INDICATOR_FIELDS:
                items.append(TextItem(getattr(ind, attr), field_name, indicator=i_index,  # type: ignore[arg-type]
                                      indicator_name=ind.name, location=ind.location, **common))
        items.extend(TextItem(goal.text, "goal", location=project.location, **common) for goal in project.goals)
    return items
