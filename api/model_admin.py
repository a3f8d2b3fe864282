"""Model administration behind the API: the same store, gate and training code as the
``zhibiao models`` and ``zhibiao train`` commands, for each model family (``task``: the
level classifier or the relevance model). Training runs in a background thread and
writes a new version; it never touches the current model (promotion is separate)."""

from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from api.db import Database, Job
from api.errors import APIError, public_text
from scorer.modelstore.current import default_models_dir
from scorer.modelstore.families import LEVEL, RELEVANCE, ModelFamily, model_family
from scorer.modelstore.gate import DEFAULT_MARGIN, PromotionRefused, promote_gated
from scorer.modelstore.store import ModelStore, ModelStoreError

log = logging.getLogger("zhibiao.api")

#: The corpus shipped with the project; a deployment points ZHIBIAO_CORPUS elsewhere.
DEFAULT_CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "indicators.tsv"
#: Its label corrections (docs/corpus.md), which the shipped model was trained with.
DEFAULT_CORRECTIONS = DEFAULT_CORPUS.with_name("corrections.tsv")


def _alive(pid: Any) -> bool:
    if not isinstance(pid, int):
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process with that id
    return True


class ModelAdmin:
    def __init__(
        self,
        db: Database,
        models_dir: str | None,
        corpus: str | None,
        margin: float = DEFAULT_MARGIN,
        corrections: str | None = None,
    ):
        self.db = db
        self.root = Path(models_dir) if models_dir else default_models_dir()
        self.corpus = [Path(p) for p in corpus.split(",")] if corpus else [DEFAULT_CORPUS]
        # The bundled corpus comes with its bundled corrections; another corpus names its own.
        if corrections:
            self.corrections = [Path(p) for p in corrections.split(",")]
        else:
            self.corrections = [] if corpus else [DEFAULT_CORRECTIONS]
        self.margin = margin
        self._lock = threading.Lock()
        self._fail_orphaned_jobs()

    def _fail_orphaned_jobs(self) -> None:
        """Jobs left queued or running by a server process of this host that is gone
        (killed, crashed): they will never finish, so say so instead of "running" forever.
        A job of a live process (another worker) is left alone."""
        host = socket.gethostname()
        with self.db.session() as session:
            for job in session.query(Job).filter(Job.status.in_(("queued", "running"))):
                owner = job.params or {}
                if owner.get("host") == host and not _alive(owner.get("pid")):
                    job.status, job.finished_at = "failed", datetime.now(UTC)
                    job.error = "interrupted: the server stopped before the job finished; the live model is unchanged"

    @staticmethod
    def family(task: str) -> ModelFamily:
        try:
            return model_family(task)
        except ModelStoreError as exc:
            raise APIError(422, "unknown_task", "未知的模型类型", str(exc)) from None

    def store(self, task: str = LEVEL.name) -> ModelStore:
        return self.family(task).store(self.root)

    def listing(self, task: str = LEVEL.name) -> dict[str, Any]:
        store = self.store(task)
        try:
            versions = store.versions()
            current = store.current_version()
        except ModelStoreError as exc:
            raise APIError(503, "models_unavailable", "模型库不可用", str(exc)) from None
        return {
            "task": task,
            "current": current,
            "versions": [
                {"version": v, "current": v == current,
                 **{k: entry.get(k) for k in ("created_at", "metrics", "summary") if k in entry}}
                for v, entry in sorted(versions.items())
            ],
        }

    # -- training -----------------------------------------------------------------------
    def start_training(self, task: str = LEVEL.name) -> int:
        family = self.family(task)
        if self._lock.locked():
            raise APIError(409, "training_busy", "已有训练任务在运行，请等它结束后再提交",
                           "one training job at a time per server process")
        with self.db.session() as session:
            params: dict[str, Any] = {"task": family.name, "corpus": [str(p) for p in self.corpus],
                                      "host": socket.gethostname(), "pid": os.getpid()}
            if family is LEVEL:
                params["corrections"] = [str(p) for p in self.corrections]
            job = Job(kind="train", status="queued", params=params)
            session.add(job)
            session.flush()
            job_id = job.id
        threading.Thread(target=self._train, args=(job_id, family), daemon=True, name=f"train-{job_id}").start()
        return job_id

    def _set(self, job_id: int, **fields: Any) -> None:
        with self.db.session() as session:
            job = session.get(Job, job_id)
            for key, value in fields.items():
                setattr(job, key, value)

    def _train(self, job_id: int, family: ModelFamily) -> None:
        if not self._lock.acquire(blocking=False):
            self._set(job_id, status="failed", error="another training job is running",
                      finished_at=datetime.now(UTC))
            return
        try:
            self._set(job_id, status="running")
            result = self._train_relevance() if family is RELEVANCE else self._train_level()
            self._set(job_id, status="done", finished_at=datetime.now(UTC), result=result)
        except Exception as exc:  # a failed job is reported on the job, the live model is untouched
            log.exception("training job %s failed", job_id)
            self._set(job_id, status="failed", error=f"{type(exc).__name__}: {exc}", finished_at=datetime.now(UTC))
        finally:
            self._lock.release()

    def _train_level(self) -> dict[str, Any]:
        from training.train import TrainConfig, train  # heavy imports only when a job runs

        # Bad corpus rows are left out and reported on the job, as `train --skip-bad` does.
        result = train(self.corpus, self.root, skip_bad=True, config=TrainConfig(corrections=tuple(self.corrections)))
        return {"version": result.version, "metrics": result.card.get("metrics"),
                "rejected_rows": result.card.get("corpus", {}).get("rejected_rows"), "seconds": round(result.seconds, 1)}

    def _train_relevance(self) -> dict[str, Any]:
        from scorer.resources import shared_embedder  # the embedder the scorer already holds
        from training.relevance import train_relevance

        version, card = train_relevance(self.corpus, self.root, shared_embedder(), promote=False, skip_bad=True)
        return {"version": version, "metrics": card["metrics"], "rows": card["corpus"]["rows"],
                "seconds": card["train_seconds"]}

    def job(self, job_id: int) -> dict[str, Any]:
        with self.db.session() as session:
            job = session.get(Job, job_id)
            if job is None:
                raise APIError(404, "job_not_found", f"没有编号为 {job_id} 的任务")
            return {"id": job.id, "kind": job.kind, "status": job.status, "result": job.result,
                    "error": public_text(job.error), "created_at": job.created_at.isoformat(),
                    "finished_at": job.finished_at.isoformat() if job.finished_at else None}

    # -- promotion ----------------------------------------------------------------------
    def promote(self, version: str, force: bool = False, task: str = LEVEL.name) -> dict[str, Any]:
        family = self.family(task)
        try:
            done = promote_gated(family.store(self.root), version, self.margin, force, family=family)
        except PromotionRefused as refused:
            raise APIError(409, "promotion_refused",
                           f"候选模型 {version} 比当前模型 {refused.current} 差，超过允许幅度 {self.margin}",
                           refused.decision.describe()) from None
        except ModelStoreError as exc:
            raise APIError(404, "model_error", "模型版本不可用", str(exc)) from None
        return {"current": done.version, "previous": done.previous, "changed": done.changed,
                "gate": done.decision.describe() if done.decision else None}

    def rollback(self, task: str = LEVEL.name) -> dict[str, Any]:
        store = self.store(task)
        try:
            before = store.current_version()
            restored = store.rollback()
        except ModelStoreError as exc:
            raise APIError(409, "rollback_refused", "无法回退", str(exc)) from None
        return {"current": restored, "previous": before}
