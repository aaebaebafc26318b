"""Queries for kept pages (`KeptPage`): a rendered page read and written by key.
Part of the training store (`TrainingStore`)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete
from sqlalchemy import select as select_columns
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col

from webapp.store.db import Queries
from webapp.store.models import KeptPage


class KeptRows(Queries):
    def kept_page(self, user_id: int, page: str, key: str) -> bytes | None:
        """The page kept as the user's `page` under `key`; None when the row holds another."""
        query = select_columns(col(KeptPage.html)).where(
            col(KeptPage.user_id) == user_id, col(KeptPage.page) == page, col(KeptPage.key) == key
        )
        with self.reader.connect() as connection:
            found: bytes | None = connection.execute(query).scalar_one_or_none()
            return found

    def keep_page(self, user_id: int, page: str, key: str, day: date, html: bytes) -> None:
        """Keep `html`, rendered for the user's `day`, as their `page` under `key`, in place of
        whatever it held."""
        dialect = postgresql if self.engine.dialect.name == "postgresql" else sqlite
        values = {"user_id": user_id, "page": page, "key": key, "day": day, "html": html}
        statement = dialect.insert(KeptPage).values(values)
        statement = statement.on_conflict_do_update(
            index_elements=[col(KeptPage.user_id), col(KeptPage.page)],
            set_={
                "key": statement.excluded.key,
                "day": statement.excluded.day,
                "html": statement.excluded.html,
            },
        )
        with self._session() as session:
            session.execute(statement)
            session.commit()

    def forget_kept_pages(self, before: date) -> int:
        """Delete the pages rendered for days before `before`; how many."""
        with self._session() as session:
            gone = session.exec(delete(KeptPage).where(col(KeptPage.day) < before))
            session.commit()
            return int(gone.rowcount or 0)
