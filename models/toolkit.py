"""Reference tables of the toolkit, filled by migration from models/toolkit_data.py."""

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base

REFERENCE = {"info": {"reference": True}}


class PriorityGroup(Base):
    """One of the six improvement priority groups."""

    __tablename__ = "priority_groups"
    __table_args__ = REFERENCE

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(60))
    description: Mapped[str] = mapped_column(Text)


class CoreElement(Base):
    """One of the six core elements of the self-evaluation toolkit (CE1 to CE6)."""

    __tablename__ = "core_elements"
    __table_args__ = REFERENCE

    code: Mapped[str] = mapped_column(String(3), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text)

    standards: Mapped[list["Standard"]] = relationship(
        back_populates="element", order_by="Standard.position")


class Standard(Base):
    """A lettered quality standard within a core element, identified like CE2.A."""

    __tablename__ = "standards"
    __table_args__ = REFERENCE

    id: Mapped[str] = mapped_column(String(5), primary_key=True)
    element_code: Mapped[str] = mapped_column(ForeignKey("core_elements.code"))
    letter: Mapped[str] = mapped_column(String(1))
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text)

    element: Mapped[CoreElement] = relationship(back_populates="standards")


class Barrier(Base):
    """A barrier to improvement from the controlled taxonomy."""

    __tablename__ = "barriers"
    __table_args__ = REFERENCE

    slug: Mapped[str] = mapped_column(String(40), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(160))
    elements: Mapped[str] = mapped_column(String(40))

    @property
    def element_codes(self) -> list[str]:
        """The core elements this barrier relates to."""
        return self.elements.split()
