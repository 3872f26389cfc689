"""Import every table so that metadata (Alembic, tests) sees the whole schema."""

from wanted.audit.models import AuditEvent, AuditVerification
from wanted.auth.models import ApiToken, Unit, User
from wanted.matching.models import (
    Face,
    GalleryState,
    MatchCandidate,
    MatchFace,
    MatchReview,
    MatchSearch,
    Photo,
)
from wanted.oversight.models import Campaign, CampaignTarget
from wanted.pursuit.models import ArrestAttempt, OutreachContact, StatusChange, Tip
from wanted.registry.models import Charge, WantedPerson

__all__ = [
    "ApiToken", "ArrestAttempt", "AuditEvent", "AuditVerification", "Campaign", "CampaignTarget",
    "Charge", "Face",
    "GalleryState", "MatchCandidate", "MatchFace", "MatchReview", "MatchSearch",
    "OutreachContact", "Photo", "StatusChange", "Tip", "Unit", "User", "WantedPerson",
]
