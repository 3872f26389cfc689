"""Tables as CSV and XLSX files: the filtered registry and each dashboard table."""

import csv
import functools
import io
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from itertools import chain, islice
from types import ModuleType
from typing import IO

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import load_only, selectinload

from wanted.audit import services as audit
from wanted.auth.models import User
from wanted.extensions import db
from wanted.labels import DANGER_CLASS, SEX, STATUS
from wanted.registry.models import WantedPerson
from wanted.registry.services import SearchFilters, filtered_query, search_order
from wanted.validation import CONTROL_IN_LINES, local_zone

FORMATS = {"csv": "text/csv; charset=utf-8", "xlsx":
           "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
# A spreadsheet runs a cell that starts like a formula; such text is kept as text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Persons read per query by a registry export, and rows written per piece of a CSV download.
BATCH_ROWS = 1000


@dataclass
class Table:
    """A titled table: a header row and rows of plain values."""

    title: str
    header: list[str]
    rows: list[list]


def safe(value):
    """Return a cell value that no spreadsheet will run as a formula and every format can hold.

    Control characters (but tab and line breaks) and lone surrogates are dropped: XLSX cannot
    hold them and UTF-8 cannot encode a surrogate; text stored before the schemas refused them
    must not break the export of the whole registry.
    """
    if not isinstance(value, str):
        return value
    value = CONTROL_IN_LINES.sub("", value)
    return "'" + value if value.startswith(FORMULA_START) else value


def local_day(moment: datetime | None) -> date | str:
    """Return the local calendar day of a stored UTC time."""
    if moment is None:
        return ""
    return moment.replace(tzinfo=UTC).astimezone(local_zone()).date()


def batched(items: Iterable, size: int) -> Iterator[list]:
    """Yield lists of `size` items (the last one shorter)."""
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def csv_chunks(header: list[str], rows: Iterable[list]) -> Iterator[bytes]:
    """Write a table as CSV, a piece at a time: the header, then every `BATCH_ROWS` rows.

    UTF-8 with a byte-order mark, so that spreadsheets read the diacritics.
    """
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    yield out.getvalue().encode("utf-8-sig")
    for batch in batched(rows, BATCH_ROWS):
        out.seek(0)
        out.truncate()
        writer.writerows([safe(v) for v in row] for row in batch)
        yield out.getvalue().encode("utf-8")


@functools.cache
def _openpyxl() -> ModuleType:
    """Import openpyxl on the first XLSX export rather than when a web process starts."""
    import openpyxl.cell
    import openpyxl.styles
    import openpyxl.utils

    return openpyxl


def write_xlsx(title: str, header: list[str], rows: Iterable[list], file: IO[bytes]) -> None:
    """Write a table as an XLSX workbook of one sheet into `file`, in openpyxl's write-only mode.

    Rows go to the sheet's temporary file as they come, so memory does not grow with them. The
    widths follow the header and the first rows (they must be set before the first row); dates
    are real date cells; the header is bold and stays in view.
    """
    xl = _openpyxl()
    book = xl.Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    rows = iter(rows)
    first = list(islice(rows, BATCH_ROWS))
    for index, width in enumerate(column_widths([header, *first]), start=1):
        sheet.column_dimensions[xl.utils.get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append([xlsx_cell(sheet, value, bold=True) for value in header])
    for row in chain(first, rows):
        sheet.append([xlsx_cell(sheet, value) for value in row])
    book.save(file)


def xlsx_file(title: str, header: list[str], rows: Iterable[list]) -> IO[bytes]:
    """Write a table as XLSX into a temporary file (gone once closed), ready to be read.

    A zip is whole only at its end, so it cannot be sent as it is written; the file is sent
    a piece at a time instead of being held in memory.
    """
    file = tempfile.TemporaryFile()
    try:
        write_xlsx(title, header, rows, file)
    except BaseException:
        file.close()
        raise
    file.seek(0)
    return file


def xlsx_cell(sheet, value, *, bold: bool = False):
    """Return what to append for one value: a styled cell for a header or a date, else the value."""
    value = safe(value)
    if not bold and not isinstance(value, date):
        return value
    cell = _openpyxl().cell.WriteOnlyCell(sheet, value)
    if bold:
        cell.font = _openpyxl().styles.Font(bold=True)
    else:
        cell.number_format = "DD/MM/YYYY"
    return cell


def column_widths(rows: list[list]) -> list[int]:
    """Return a width per column that fits the longest text of the rows, between 10 and 60."""
    longest = [0] * max((len(row) for row in rows), default=0)
    for row in rows:
        for index, value in enumerate(row):
            text = value.strftime("%d/%m/%Y") if isinstance(value, date) else str(value)
            longest[index] = max(longest[index], len(text) if value is not None else 0)
    return [min(max(10, length + 2), 60) for length in longest]


def render(table: Table, fmt: str) -> bytes:
    """Write a small table in the format asked for ("csv" or "xlsx")."""
    if fmt == "csv":
        return b"".join(csv_chunks(table.header, table.rows))
    out = io.BytesIO()
    write_xlsx(table.title, table.header, table.rows, out)
    return out.getvalue()


class TooManyRows(Exception):
    """An export would hold more rows than one file may."""

    def __init__(self, count: int, limit: int):
        super().__init__(count, limit)
        self.count, self.limit = count, limit


@dataclass
class RegistryExport:
    """The persons an export holds, by id in the page's order, and its header."""

    ids: list[int]
    title: str
    header: list[str]


def registry_export(actor: User, filters: SearchFilters, limit: int) -> RegistryExport:
    """Return the ids of the persons matching the registry filters, in the page's order, and
    audit the export; raise TooManyRows (naming how many match) above `limit` persons."""
    ids = list(db.session.scalars(filtered_query(filters).with_only_columns(WantedPerson.id)
                                  .order_by(*search_order(filters)).limit(limit + 1)))
    if len(ids) > limit:
        raise TooManyRows(db.session.scalar(select(func.count()).select_from(
            filtered_query(filters).with_only_columns(WantedPerson.id).subquery())), limit)
    audit.record("export.registry", actor=actor, details={
        **{k: v for k, v in vars(filters).items() if v not in ("", None)}, "rows": len(ids)})
    return RegistryExport(ids, _("Registry"), [
        _("ID"), _("Full name"), _("Aliases"), _("Sex"), _("Born"), _("ID number (CCCD)"),
        _("Charges"), _("Class"), _("Status"), _("Owning unit"), _("Assigned officer"),
        _("Wanted decision"), _("Decision date"), _("Last activity")])


def registry_rows(ids: list[int]) -> Iterator[list]:
    """Yield the export row of each person, reading `BATCH_ROWS` persons at a time.

    Each batch is its own short transaction, ended before its rows are handed on: a slow
    download never holds a transaction open (on SQLite every transaction takes the write lock).
    """
    for batch in batched(ids, BATCH_ROWS):
        persons = {p.id: p for p in db.session.scalars(
            select(WantedPerson).where(WantedPerson.id.in_(batch)).options(
                load_only(*EXPORTED_COLUMNS), selectinload(WantedPerson.charges),
                selectinload(WantedPerson.unit), selectinload(WantedPerson.officer)))}
        rows = [person_row(persons[i]) for i in batch if i in persons]
        db.session.rollback()
        db.session.expunge_all()
        yield from rows


# What person_row reads (the long texts of a record stay in the database).
EXPORTED_COLUMNS = (
    WantedPerson.full_name, WantedPerson.aliases, WantedPerson.sex, WantedPerson.birth_date,
    WantedPerson.birth_year, WantedPerson.id_number, WantedPerson.danger_class,
    WantedPerson.status, WantedPerson.unit_id, WantedPerson.officer_id,
    WantedPerson.decision_number, WantedPerson.decision_date, WantedPerson.last_activity_at)


def person_row(p: WantedPerson) -> list:
    """Return the export row of one person."""
    return [p.id, p.full_name, ", ".join(p.aliases or []), str(SEX[p.sex]),
            p.birth_date or p.birth_year or "", p.id_number or "",
            "; ".join(_("Article %(a)s", a=c.article) + " – " + c.name for c in p.charges),
            str(DANGER_CLASS[p.danger_class]), str(STATUS[p.status]), p.unit.name,
            p.officer.display_name if p.officer else "", p.decision_number,
            p.decision_date or "", local_day(p.last_activity_at)]


def dashboard_tables(stats: dict) -> dict[str, Table]:
    """Return each dashboard table, named as in its export link."""
    statuses = list(STATUS)
    return {
        "units": Table(_("By unit"), [_("Unit"), *(str(STATUS[s]) for s in statuses)],
                       [[u["name"], *(u["by_status"][s] for s in statuses)]
                        for u in stats["units"]]),
        "weekly": Table(_("Per week"), [_("Week from"), _("Arrested"), _("Surrendered")],
                        [[w["week"], w["arrested"], w["surrendered"]] for w in stats["weekly"]]),
        "campaigns": Table(_("Campaigns"), [
            _("Campaign"), _("Unit"), _("Arrests"), _("Arrests target"), _("Surrenders"),
            _("Surrenders target")], [
            [c["name"], t["name"], t["arrests"], t["arrests_target"], t["surrenders"],
             t["surrenders_target"]] for c in stats["campaigns"] for t in c["targets"]]),
        "quiet": Table(_("Quiet cases"), [
            _("Full name"), _("Owning unit"), _("Assigned officer"), _("Last activity")], [
            [q["full_name"], q["unit_name"], q["officer"] or "", q["last_activity_at"][:10]]
            for q in stats["quiet"]]),
        "officers": Table(_("Officers"), [
            _("Officer"), _("Username"), _("Unit"), _("Wanted persons assigned"),
            _("Overdue follow-ups")], [
            [o["name"], o["officer"], o["unit"], o["wanted_assigned"], o["overdue_followups"]]
            for o in stats["officers"]]),
    }
