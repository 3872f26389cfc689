"""Rules of oversight: unit statistics, campaigns and their progress."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Row, ScalarSelect, func, literal, select, union_all
from sqlalchemy.orm import joinedload

from wanted import timeutil
from wanted.audit import services as audit
from wanted.auth import services as auth
from wanted.auth.models import Unit, User
from wanted.errors import Forbidden, NotFound, ValidationFailed
from wanted.extensions import db
from wanted.oversight.models import Campaign, CampaignTarget
from wanted.oversight.schemas import CampaignInput, StatsQuery, Target
from wanted.public import services as publication
from wanted.pursuit import deadlines
from wanted.pursuit.models import ArrestAttempt, OutreachContact, StatusChange, Tip
from wanted.pursuit.services import day_start_utc, local_today, local_zone
from wanted.registry import validation
from wanted.registry.models import STATUSES, WantedPerson
from wanted.timeutil import iso_utc, utcnow
from wanted.validation import FIRST_DAY, LAST_DAY, parse, parse_query

# Status changes that count as results for the chart and for campaign progress.
RESULTS = ("arrested", "surrendered")
CHART_WEEKS = 26
OVERDUE_LISTED = 20  # overdue items listed per kind on the dashboard (all are counted)


@dataclass
class Period:
    """Local calendar days from `start` to `end`, both included; None is open."""

    start: date | None = None
    end: date | None = None

    def bounds(self) -> tuple[datetime | None, datetime | None]:
        """Return the stored-time bounds: from the start of `start` to the end of `end`."""
        # Clamped to the calendar the schemas allow, so that no stored date can overflow.
        return (day_start_utc(max(self.start, FIRST_DAY)) if self.start else None,
                day_start_utc(min(self.end, LAST_DAY) + timedelta(days=1)) if self.end else None)

    def where(self, column) -> list:
        """Return conditions keeping `column` inside the period."""
        low, high = self.bounds()
        return [c for c in (column >= low if low else None, column < high if high else None)
                if c is not None]


def parse_stats_args(actor: User, args) -> tuple[Unit, Period, Campaign | None]:
    """Read unit, campaign and from/to from query arguments; 422 naming a bad field."""
    query = parse_query(StatsQuery, args)
    errors: dict[str, str] = {}
    campaign = None
    if query.campaign is not None:
        campaign = db.session.get(Campaign, query.campaign)
        if campaign is None:
            errors["campaign"] = _("No such campaign.")
    unit = actor.unit
    if query.unit:
        unit = db.session.scalar(select(Unit).where(Unit.code == query.unit))
        if unit is None:
            errors["unit"] = _("Unknown unit.")
    if errors:
        raise ValidationFailed(_("Some filters are not valid."), errors)
    start, end = query.start, query.end
    if campaign:
        start, end = start or campaign.starts_on, end or campaign.ends_on
        if end < start:
            raise ValidationFailed(_("Some filters are not valid."),
                                   {"to": _("The end comes before the start.")})
    ensure_can_oversee(actor, unit)
    return unit, Period(start, end), campaign


def ensure_can_oversee(actor: User, unit: Unit) -> None:
    """Raise Forbidden (audited) unless the unit is the actor's own or below it; admins see all."""
    if actor.role != "admin" and not auth.in_scope(actor, unit.id):
        raise Forbidden(_("You may only see the figures of your own unit and those below it."),
                        audit={"action": "stats.view", "actor": actor, "object_type": "unit",
                               "object_id": unit.code})


def unit_stats(unit: Unit, period: Period, campaign: Campaign | None = None,
               today: date | None = None) -> dict:
    """Compute every figure of the dashboard for the unit and the units below it.

    Lists are read as rows of the columns they show, not as whole records, and every count
    that is one number comes in one statement (see `_counts`).
    """
    today, now = today or local_today(), timeutil.utcnow()
    scope = auth.subtree_ids(unit.id)
    per_unit = _status_by_unit(scope)
    by_status = {status: sum(counts[status] for counts in per_unit.values())
                 for status in STATUSES}
    quiet_days = current_app.config["QUIET_DAYS"]
    tree = _tree(unit)
    campaigns = [campaign] if campaign else running_campaigns(today)
    quiet = quiet_cases(scope, quiet_days)
    counts = _counts(scope, period, now)
    return {
        "unit": unit.code,
        "from": period.start.isoformat() if period.start else None,
        "to": period.end.isoformat() if period.end else None,
        "by_status": by_status,
        **{name: counts[name] for name in HEADLINE},
        "quiet_days": quiet_days,
        "quiet_30d": len(quiet),
        "quiet": [{"id": p.id, "full_name": p.full_name, "unit": p.unit,
                   "unit_name": p.unit_name, "officer": p.officer,
                   "last_activity_at": iso_utc(p.last_activity_at)} for p in quiet],
        "units": [{"unit": u.code, "name": u.name, "depth": depth, "by_status": per_unit[u.id]}
                  for u, depth in tree],
        "weekly": weekly_results(scope, period, today),
        "campaigns": [campaign_progress(c, scope) for c in campaigns],
        "officers": officer_load(scope, today),
        **{name: counts[name] for name in OVERDUE},
        **deadline_lists(scope, period, now),
    }


def deadline_lists(scope: set[int], period: Period, now: datetime) -> dict:
    """List what is past its deadline in the units, and say how fast hits are answered."""
    hits = deadlines.overdue_hits(scope, now, limit=OVERDUE_LISTED)
    tips = publication.overdue_tips(scope, now, limit=OVERDUE_LISTED)
    records = validation.overdue_validation_rows(scope, now, limit=OVERDUE_LISTED)
    return {
        "median_hit_response_minutes": deadlines.median_hit_response_minutes(
            scope, period.where(Tip.created_at)),
        "overdue_hits": [{"tip_id": t.id, "person_id": t.person_id, "full_name": t.full_name,
                          "unit": t.unit, "unit_name": t.unit_name,
                          "due_at": iso_utc(deadlines.hit_due(t))} for t in hits],
        "overdue_tips": [{"id": t.id, "person_id": t.person_id, "full_name": t.full_name,
                          "unit": t.unit, "unit_name": t.unit_name,
                          "due_at": iso_utc(t.due_at)} for t in tips],
        "overdue_validations": [{"id": p.id, "full_name": p.full_name, "unit": p.unit,
                                 "unit_name": p.unit_name, "due_at": iso_utc(due)}
                                for p, due in records],
    }


# The figures `_counts` reads, in the order the dashboard's dict gives them.
HEADLINE = ("special_outstanding", "attempts", "outreach", "arrests", "surrenders")
OVERDUE = ("tips_overdue", "hits_overdue", "validation_overdue")


def _counts(scope: set[int], period: Period, now: datetime) -> dict[str, int]:
    """Count the headline and overdue figures of the units in one statement (a subquery each)."""
    queries = {
        "special_outstanding": select(func.count(WantedPerson.id)).where(
            WantedPerson.unit_id.in_(scope), WantedPerson.status == "wanted",
            WantedPerson.danger_class == "special").scalar_subquery(),
        "attempts": _in_period(ArrestAttempt, ArrestAttempt.attempted_at, scope, period),
        "outreach": _in_period(OutreachContact, OutreachContact.contacted_at, scope, period),
        "arrests": _results_query(scope, period, "arrested"),
        "surrenders": _results_query(scope, period, "surrendered"),
        "tips_overdue": publication.overdue_tip_count(scope, now),
        "hits_overdue": deadlines.overdue_hit_count(scope, now),
        "validation_overdue": validation.overdue_validation_count(scope, now),
    }
    row = db.session.execute(select(*(query.label(name) for name, query in queries.items())))
    return {name: count or 0 for name, count in row.one()._asdict().items()}


def _in_period(model, column, scope: set[int], period: Period) -> ScalarSelect[int]:
    return (select(func.count(model.id)).join(model.person)
            .where(WantedPerson.unit_id.in_(scope), *period.where(column)).scalar_subquery())


def _results_query(scope: set[int], period: Period, status: str) -> ScalarSelect[int]:
    return select(func.count(StatusChange.id)).where(
        StatusChange.unit_id.in_(scope), StatusChange.to_status == status,
        *period.where(StatusChange.changed_at)).scalar_subquery()


def _status_by_unit(scope: set[int]) -> dict[int, dict[str, int]]:
    counts = {unit_id: dict.fromkeys(STATUSES, 0) for unit_id in scope}
    rows = db.session.execute(
        select(WantedPerson.unit_id, WantedPerson.status, func.count(WantedPerson.id))
        .where(WantedPerson.unit_id.in_(scope))
        .group_by(WantedPerson.unit_id, WantedPerson.status))
    for unit_id, status, count in rows:
        counts[unit_id][status] = count
    return counts


def _tree(unit: Unit) -> list[tuple[Unit, int]]:
    """Return the unit and those below it in tree order, depth counted from the unit."""
    ordered = auth.units_in_tree_order()
    start = next(i for i, (u, _depth) in enumerate(ordered) if u.id == unit.id)
    top = ordered[start][1]
    rows = [(unit, 0)]
    for other, depth in ordered[start + 1:]:
        if depth <= top:
            break
        rows.append((other, depth - top))
    return rows


def quiet_cases(scope: set[int], quiet_days: int) -> list[Row]:
    """List wanted persons with no logged work for `quiet_days` days, longest quiet first.

    Rows of what the list shows: id, full_name, unit, unit_name, officer (username or None)
    and last_activity_at.
    """
    cutoff = utcnow() - timedelta(days=quiet_days)
    return list(db.session.execute(
        select(WantedPerson.id, WantedPerson.full_name, Unit.code.label("unit"),
               Unit.name.label("unit_name"), User.username.label("officer"),
               WantedPerson.last_activity_at)
        .join(WantedPerson.unit).outerjoin(WantedPerson.officer)
        .where(WantedPerson.unit_id.in_(scope), WantedPerson.status == "wanted",
               WantedPerson.last_activity_at < cutoff)
        .order_by(WantedPerson.last_activity_at, WantedPerson.id)))


def weekly_results(scope: set[int], period: Period, today: date) -> list[dict]:
    """Count arrests and surrenders per week (Monday first) over the period or recent weeks."""
    end = min(period.end or today, today)
    start = period.start or end - timedelta(weeks=CHART_WEEKS - 1)
    first = start - timedelta(days=start.weekday())
    weeks = [first + timedelta(weeks=i) for i in range((end - first).days // 7 + 1)]
    rows = {week: {"week": week.isoformat(), "arrested": 0, "surrendered": 0} for week in weeks}
    changes = db.session.execute(
        select(StatusChange.changed_at, StatusChange.to_status).where(
            StatusChange.unit_id.in_(scope), StatusChange.to_status.in_(RESULTS),
            *Period(start, end).where(StatusChange.changed_at)))
    for changed_at, status in changes:
        day = _local_day(changed_at)
        rows[day - timedelta(days=day.weekday())][status] += 1
    return list(rows.values())


def _local_day(moment: datetime) -> date:
    return moment.replace(tzinfo=UTC).astimezone(local_zone()).date()


def officer_load(scope: set[int], today: date) -> list[dict]:
    """Per officer of the units: wanted persons assigned, and follow-ups past their date.

    The active officers and supervisors of the units are listed, and so is anyone else the
    figures name (an officer since moved or deactivated who still holds cases).
    """
    load = _officer_rows(User.unit_id.in_(scope), User.role.in_(("officer", "supervisor")),
                         User.active)
    # Both figures in one statement: the kind of each count, the officer, the count.
    assigned = (select(literal("wanted_assigned"), WantedPerson.officer_id,
                       func.count(WantedPerson.id))
                .where(WantedPerson.unit_id.in_(scope), WantedPerson.status == "wanted",
                       WantedPerson.officer_id.is_not(None)).group_by(WantedPerson.officer_id))
    owners = {OutreachContact: OutreachContact.officer_id,
              ArrestAttempt: ArrestAttempt.officer_id, Tip: Tip.logged_by_id}
    overdue = [select(literal("overdue_followups"), owner, func.count(model.id))
               .join(model.person)
               .where(WantedPerson.unit_id.in_(scope), WantedPerson.status == "wanted",
                      model.follow_up_on < today, model.follow_up_done.is_(False))
               .group_by(owner) for model, owner in owners.items()]
    counts = db.session.execute(union_all(assigned, *overdue)).all()
    missing = {officer_id for _kind, officer_id, _count in counts} - load.keys()
    if missing:
        load |= _officer_rows(User.id.in_(missing))
    for kind, officer_id, count in counts:
        load[officer_id][kind] += count
    return sorted(load.values(), key=lambda r: (-r["overdue_followups"], -r["wanted_assigned"],
                                                 r["officer"]))


def _officer_rows(*conditions) -> dict[int, dict]:
    """Start the load rows of the users meeting the conditions, by user id."""
    users = db.session.execute(select(User.id, User.username, User.full_name, Unit.code)
                               .join(User.unit).where(*conditions))
    return {user.id: {"officer": user.username, "name": user.full_name or user.username,
                      "unit": user.code, "wanted_assigned": 0, "overdue_followups": 0}
            for user in users}


def running_campaigns(today: date) -> list[Campaign]:
    """Return the campaigns under way today, with their targets and the targets' units."""
    return list(db.session.scalars(select(Campaign).where(
        Campaign.starts_on <= today, Campaign.ends_on >= today)
        .order_by(Campaign.starts_on, Campaign.id)
        .options(joinedload(Campaign.targets).joinedload(CampaignTarget.unit))).unique())


def campaign_progress(campaign: Campaign, scope: set[int] | None = None) -> dict:
    """Count arrests and surrenders in the campaign period against each unit's targets."""
    period = Period(campaign.starts_on, campaign.ends_on)
    targets = [target for target in sorted(campaign.targets, key=lambda t: t.unit.code)
               if scope is None or target.unit_id in scope]
    units = {target.unit_id: auth.subtree_ids(target.unit_id) for target in targets}
    # One statement for every target: results per unit, summed over each target's subtree.
    results: dict[tuple[int, str], int] = {}
    if targets:
        for unit_id, status, count in db.session.execute(
                select(StatusChange.unit_id, StatusChange.to_status, func.count(StatusChange.id))
                .where(StatusChange.unit_id.in_(set().union(*units.values())),
                       StatusChange.to_status.in_(RESULTS),
                       *period.where(StatusChange.changed_at))
                .group_by(StatusChange.unit_id, StatusChange.to_status)):
            results[unit_id, status] = count
    rows = []
    for target in targets:
        done = {status: sum(results.get((unit_id, status), 0) for unit_id in units[target.unit_id])
                for status in RESULTS}
        rows.append({
            "unit": target.unit.code, "name": target.unit.name,
            "arrests_target": target.arrests_target, "arrests": done["arrested"],
            "surrenders_target": target.surrenders_target,
            "surrenders": done["surrendered"]})
    return {"id": campaign.id, "name": campaign.name,
            "starts_on": campaign.starts_on.isoformat(), "ends_on": campaign.ends_on.isoformat(),
            "targets": rows}


LATEST_FIRST = (Campaign.starts_on.desc(), Campaign.id.desc())


def list_campaigns() -> list[Campaign]:
    """Return every campaign, the latest first."""
    return list(db.session.scalars(select(Campaign).order_by(*LATEST_FIRST)))


def campaign_choices() -> list[Row]:
    """Return every campaign's id and name (what a filter offers), the latest first."""
    return list(db.session.execute(select(Campaign.id, Campaign.name).order_by(*LATEST_FIRST)))


def get_campaign(campaign_id: int) -> Campaign:
    """Return the campaign or raise NotFound."""
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFound(_("No such campaign."))
    return campaign


def create_campaign(actor: User, data: dict) -> Campaign:
    """Validate and add a campaign with targets for units the supervisor oversees."""
    if actor.role != "supervisor":
        raise Forbidden(_("Only a supervisor creates a campaign."),
                        audit={"action": "campaign.create", "actor": actor})
    given = parse(CampaignInput, data)
    errors: dict[str, str] = {}
    targets = _targets(actor, given.targets, errors)
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), errors)
    campaign = Campaign(name=given.name, description=given.description,
                        starts_on=given.starts_on, ends_on=given.ends_on, created_by=actor,
                        targets=targets)
    db.session.add(campaign)
    db.session.flush()
    audit.record("campaign.create", actor=actor, object_type="campaign", object_id=campaign.id,
                 details={"name": campaign.name, "targets": len(targets)})
    return campaign


def _targets(actor: User, given: list[Target], errors: dict) -> list[CampaignTarget]:
    targets, seen = [], set()
    for item in given:
        unit = db.session.scalar(select(Unit).where(Unit.code == item.unit))
        if unit is None or unit.id in seen:
            errors["targets"] = _("Unknown or repeated unit: %(u)s.", u=item.unit)
        elif not auth.in_scope(actor, unit.id):
            errors["targets"] = _("%(u)s is not a unit you oversee.", u=unit.name)
        else:
            seen.add(unit.id)
            targets.append(CampaignTarget(unit=unit, arrests_target=item.arrests,
                                          surrenders_target=item.surrenders))
    return targets
