"""Human labels of the codes the code uses, translated at display time."""

from flask import Flask
from flask_babel import lazy_gettext as _l

STATUS = {
    "wanted": _l("Wanted"), "arrested": _l("Arrested"), "surrendered": _l("Surrendered"),
    "deceased": _l("Deceased"), "cancelled": _l("Cancelled (đình nã)"),
    "withdrawn": _l("Withdrawn"),
}
STATUS_BADGE = {
    "wanted": "danger", "arrested": "success", "surrendered": "primary",
    "deceased": "secondary", "cancelled": "dark", "withdrawn": "warning",
}
# What each status count of the dashboard counts, one line under its figure.
STATUS_COUNT_NOTE = {
    "wanted": _l("Wanted persons of your units still at large"),
    "arrested": _l("Cases closed by an arrest"),
    "surrendered": _l("Cases closed by the person giving themselves up"),
    "deceased": _l("Cases closed because the person died"),
    "cancelled": _l("Cases closed by a decision to stop the pursuit"),
    "withdrawn": _l("Cases whose wanted decision was revoked"),
}
SEX = {"male": _l("Male"), "female": _l("Female"), "unknown": _l("Unknown")}
DANGER_CLASS = {"normal": _l("Normal"), "special": _l("Special (đặc biệt)")}
CAUTION_FLAG = {
    "armed": _l("Armed"), "violent": _l("Violent"), "drug_user": _l("Drug user"),
    "escape_risk": _l("Escape risk"), "self_harm": _l("Self-harm risk"),
    "contagious_disease": _l("Contagious disease"),
}
ROLE = {"officer": _l("Officer"), "supervisor": _l("Supervisor"), "admin": _l("Admin")}
CHARGE_CATEGORY = {
    "theft": _l("Theft"), "robbery": _l("Robbery"), "snatching": _l("Snatching"),
    "injury": _l("Intentional injury"), "drugs": _l("Drugs"),
    "loan_sharking": _l("Loan-sharking"), "fraud": _l("Fraud and high-tech crime"),
    "economic": _l("Economic crime"), "corruption": _l("Corruption"),
    "environment": _l("Environment"), "organised": _l("Organised crime"),
    "murder": _l("Murder"), "other": _l("Other"),
}
REVIEW_DECISION = {
    "candidate": _l("Possible candidate"), "not_candidate": _l("Not a candidate"),
    "inconclusive": _l("Inconclusive"),
}
CITIZEN_TIP_STATUS = {
    "received": _l("Received"), "handling": _l("Being handled"), "closed": _l("Closed"),
}
BAND = {"strong": _l("Strong"), "possible": _l("Possible"), "weak": _l("Weak")}
BAND_BADGE = {"strong": "danger", "possible": "warning", "weak": "secondary"}
SCORING = {"s-norm": _l("normalised against the gallery's nearest faces (S-norm)"),
           "distance": _l("mean distance (the gallery is too small to normalise against)")}


def init_labels(app: Flask) -> None:
    """Make the label tables and the photo lookup available to every template."""
    from wanted.matching.photos import primary_photo_ids
    from wanted.matching.services import person_photos

    app.jinja_env.globals.update(
        primary_photo_ids=primary_photo_ids, person_photos=person_photos,
        STATUS=STATUS, STATUS_BADGE=STATUS_BADGE, STATUS_COUNT_NOTE=STATUS_COUNT_NOTE, SEX=SEX,
        DANGER_CLASS=DANGER_CLASS, CAUTION_FLAG=CAUTION_FLAG, ROLE=ROLE,
        CHARGE_CATEGORY=CHARGE_CATEGORY, REVIEW_DECISION=REVIEW_DECISION, BAND=BAND,
        BAND_BADGE=BAND_BADGE, SCORING=SCORING, CITIZEN_TIP_STATUS=CITIZEN_TIP_STATUS)
