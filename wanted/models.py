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
from wanted.public.models import CitizenTip, PublicNotice
from wanted.pursuit.models import ArrestAttempt, OutreachContact, StatusChange, Tip
from wanted.registry.models import Charge, RecordValidation, WantedPerson

__all__ = [
    "ApiToken", "ArrestAttempt", "AuditEvent", "AuditVerification", "Campaign", "CampaignTarget",
    "Charge", "CitizenTip", "Face", "GalleryState", "MatchCandidate", "MatchFace", "MatchReview",
    "MatchSearch", "OutreachContact", "Photo", "PublicNotice", "RecordValidation",
    "StatusChange", "Tip", "Unit", "User", "WantedPerson",
]
