"""What the app holds for its lifetime: the scorer (checks and models, loaded once), the
database, and the operations routes call. CPU-bound work runs in a thread pool so the
event loop keeps serving."""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from sqlalchemy import select

from api.db import Database, Feedback, Submission
from api.model_admin import ModelAdmin
from api.settings import Settings
from scorer.document import Document
from scorer.pipeline import Scorer
from scorer.resources import ModelResources
from scorer.results import ScoredDocument

log = logging.getLogger("zhibiao.api")


class Service:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.db = Database(settings.resolved_database_url())
        self.db.migrate()
        self.models = ModelResources(models_dir=settings.models_dir or None)
        self.model_admin = ModelAdmin(
            self.db, settings.models_dir or None, settings.corpus or None, corrections=settings.corrections or None
        )
        self._scorer: Scorer | None = None
        self._scorer_key: tuple | None = None
        self.scorer()  # load models now, not on the first request
        self.ready = True

    def scorer(self) -> Scorer:
        """The shared scorer, rebuilt only when a promoted model changes what it holds."""
        resources = self.models.current()
        key = tuple(sorted((k, getattr(v, "version", "")) for k, v in resources.items()))
        if self._scorer is None or key != self._scorer_key:
            scorer = Scorer(resources=resources)
            scorer.warm_up()
            self._scorer, self._scorer_key = scorer, key
        return self._scorer

    def model_versions(self) -> dict[str, str]:
        return {k: str(getattr(v, "version", "")) for k, v in self.models.current().items()}

    def score(self, doc: Document, content: bytes, filename: str | None, media_type: str | None) -> dict[str, Any]:
        result: ScoredDocument = self.scorer().score_document(doc)
        payload = result.model_dump(mode="json")
        self.keep_submission(content, filename, media_type, payload)
        return payload

    def keep_submission(self, content: bytes, filename: str | None, media_type: str | None,
                        payload: dict[str, Any]) -> None:
        # Indicators per project too: feedback naming an indicator the document does not
        # have would otherwise reach the retraining data unchecked.
        summary = {"department": payload["department"]["score"], "grade": payload["department"]["grade"],
                   "projects": len(payload["projects"]), "counts": payload.get("counts"),
                   "indicators_per_project": [len(p["indicators"]) for p in payload["projects"]]}
        self._store(content, filename, media_type, summary)

    def keep_failed_submission(self, content: bytes, filename: str | None, media_type: str | None,
                               error: str) -> None:
        """A submission that could not be read is kept too, with why: nothing a user
        submitted is lost, and the maintainers see which layouts the parser still misses."""
        self._store(content, filename, media_type, {"error": error})

    def _store(self, content: bytes, filename: str | None, media_type: str | None, summary: dict[str, Any]) -> None:
        with self.db.session() as session:
            session.add(Submission(sha256=hashlib.sha256(content).hexdigest(), filename=filename,
                                   media_type=media_type, content=content, result_summary=summary))

    def submitted(self, sha256: str) -> tuple[int, dict[str, Any]] | None:
        """The id and result summary of the latest submission with this content hash."""
        with self.db.session() as session:
            row = session.execute(select(Submission.id, Submission.result_summary)
                                  .where(Submission.sha256 == sha256)
                                  .order_by(Submission.id.desc()).limit(1)).first()
            return None if row is None else (row.id, row.result_summary or {})

    def add_feedback(self, item: dict[str, Any]) -> int:
        with self.db.session() as session:
            row = Feedback(**item)
            session.add(row)
            session.flush()
            return row.id

    def close(self) -> None:
        self.db.engine.dispose()
