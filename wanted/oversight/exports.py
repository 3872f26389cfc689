"""Tables as CSV and XLSX files: the filtered registry and each dashboard table."""

import csv
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy.orm import selectinload

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


def to_csv(table: Table) -> bytes:
    """Write the table as UTF-8 CSV with a byte-order mark, so spreadsheets read the diacritics."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table.header)
    writer.writerows([[safe(v) for v in row] for row in table.rows])
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(table: Table) -> bytes:
    """Write the table as an XLSX workbook of one sheet."""
    book = Workbook()
    sheet = book.active
    sheet.title = table.title[:31]
    sheet.append([safe(v) for v in table.header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table.rows:
        sheet.append([safe(v) for v in row])
    for cells in sheet.iter_cols(min_row=2):
        for cell in cells:
            if isinstance(cell.value, date):
                cell.number_format = "DD/MM/YYYY"
    for index, cells in enumerate(sheet.iter_cols(), start=1):
        longest = max((len(str(c.value)) if c.value is not None else 0 for c in cells), default=0)
        sheet.column_dimensions[get_column_letter(index)].width = min(max(10, longest + 2), 60)
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def render(table: Table, fmt: str) -> bytes:
    """Write the table in the format asked for ("csv" or "xlsx")."""
    return to_csv(table) if fmt == "csv" else to_xlsx(table)


def registry_table(actor: User, filters: SearchFilters) -> Table:
    """Return every person matching the registry filters, in the page's order; audit it."""
    persons = db.session.scalars(filtered_query(filters).order_by(*search_order(filters)).options(
        selectinload(WantedPerson.charges), selectinload(WantedPerson.unit),
        selectinload(WantedPerson.officer)))
    rows = [[p.id, p.full_name, ", ".join(p.aliases or []), str(SEX[p.sex]),
             p.birth_date or p.birth_year or "", p.id_number or "",
             "; ".join(_("Article %(a)s", a=c.article) + " – " + c.name for c in p.charges),
             str(DANGER_CLASS[p.danger_class]), str(STATUS[p.status]), p.unit.name,
             p.officer.display_name if p.officer else "", p.decision_number,
             p.decision_date or "", local_day(p.last_activity_at)] for p in persons]
    audit.record("export.registry", actor=actor, details={
        **{k: v for k, v in vars(filters).items() if v not in ("", None)}, "rows": len(rows)})
    return Table(_("Registry"), [
        _("ID"), _("Full name"), _("Aliases"), _("Sex"), _("Born"), _("ID number (CCCD)"),
        _("Charges"), _("Class"), _("Status"), _("Owning unit"), _("Assigned officer"),
        _("Wanted decision"), _("Decision date"), _("Last activity")], rows)


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
