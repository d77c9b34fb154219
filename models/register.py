"""The national register of schools: reference data every cluster claims schools from."""

from datetime import date

from sqlalchemy import Date, Float, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class RegisterSchool(Base):
    """One school as the national register describes it (not yet on the platform)."""

    __tablename__ = "register_schools"

    urn: Mapped[str] = mapped_column(String(6), primary_key=True)
    laestab: Mapped[str | None] = mapped_column(String(8))
    name: Mapped[str] = mapped_column(String(200), index=True)
    la_code: Mapped[str | None] = mapped_column(String(4))
    la_name: Mapped[str | None] = mapped_column(String(100), index=True)
    region: Mapped[str | None] = mapped_column(String(40))
    phase: Mapped[str | None] = mapped_column(String(20))
    type_group: Mapped[str | None] = mapped_column(String(60))
    type: Mapped[str | None] = mapped_column(String(100))
    age_low: Mapped[int | None] = mapped_column(Integer)
    age_high: Mapped[int | None] = mapped_column(Integer)
    gender: Mapped[str | None] = mapped_column(String(20))
    religious_character: Mapped[str | None] = mapped_column(String(80))
    street: Mapped[str | None] = mapped_column(String(200))
    town: Mapped[str | None] = mapped_column(String(100))
    postcode: Mapped[str | None] = mapped_column(String(10))
    number_on_roll: Mapped[int | None] = mapped_column(Integer)
    fsm_number: Mapped[int | None] = mapped_column(Integer)
    pct_fsm_ever6: Mapped[float | None] = mapped_column(Float)
    pct_fsm_current: Mapped[float | None] = mapped_column(Float)
    ofsted_rating: Mapped[str | None] = mapped_column(String(40))
    ofsted_inspection_date: Mapped[date | None] = mapped_column(Date)
    urban_rural: Mapped[str | None] = mapped_column(String(60))
    status: Mapped[str] = mapped_column(String(40), default="Open")

    @property
    def is_open(self) -> bool:
        """Whether the school is open and so may be claimed by a cluster."""
        return self.status.startswith("Open")
