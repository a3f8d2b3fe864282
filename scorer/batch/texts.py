"""The text cells of a document that copy-paste search compares across the batch.

Workers take them (:func:`scorer.semantic.items.document_items`) while they still hold
the parsed document, because the scored result has no goals or 资金用途, and the store
keeps them beside the result in a compact form, so ``zhibiao report`` can redo the
cross-document analysis without re-parsing any input::

    {"projects": [[name, department, purpose], …],
     "items": [[field, project, indicator or None, text], …]}
"""

from __future__ import annotations

from typing import Any

from scorer.document import Document
from scorer.semantic.duplicates import TextItem
from scorer.semantic.items import project_cells, project_purpose


def document_texts(doc: Document) -> dict[str, list]:
    projects = [[p.name, p.department or doc.department, project_purpose(p)] for p in doc.projects]
    # The cells straight from the projects: TextItems (what document_items makes) would
    # be built only to be taken apart again.
    items = [[field, p_index, i_index, text] for p_index, project in enumerate(doc.projects)
             for i_index, field, text in project_cells(project) if text.strip()]
    return {"projects": projects, "items": items}


def text_items(document: str, texts: dict[str, Any]) -> list[TextItem]:
    """The stored cells of one document back as TextItems (without cell locations)."""
    projects = texts.get("projects", [])
    names = {(p, i): text for field, p, i, text in texts.get("items", []) if field == "name"}
    items = []
    for field, p, i, text in texts.get("items", []):
        name, department, purpose = projects[p] if p is not None and p < len(projects) else ("", "", "")
        items.append(TextItem(text, field, document=document, department=department, project=p, project_name=name,
                              indicator=i, indicator_name=names.get((p, i), ""), project_purpose=purpose))
    return items
