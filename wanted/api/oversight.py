"""Oversight in the API: unit statistics and campaigns."""

from flask import g, request

from wanted.api.core import api_route, json_body
from wanted.api.schemas import DATE, SCHEMAS, STRING, error_responses, ref
from wanted.extensions import db
from wanted.oversight import services
from wanted.oversight.schemas import CampaignInput, StatsQuery

COUNT = {"type": "integer"}
BY_STATUS = {"type": "object", "additionalProperties": COUNT}

SCHEMAS.update({
    "CampaignProgress": {"type": "object", "properties": {
        "id": COUNT, "name": STRING, "starts_on": DATE, "ends_on": DATE,
        "targets": {"type": "array", "items": {"type": "object", "properties": {
            "unit": STRING, "arrests_target": COUNT, "arrests": COUNT,
            "surrenders_target": COUNT, "surrenders": COUNT}}}}},
    "Stats": {"type": "object", "properties": {
        "by_status": BY_STATUS, "special_outstanding": COUNT, "attempts": COUNT,
        "outreach": COUNT, "arrests": COUNT, "surrenders": COUNT, "quiet_30d": COUNT,
        "quiet": {"type": "array", "items": {"type": "object", "properties": {
            "id": COUNT, "full_name": STRING, "unit": STRING, "last_activity_at": STRING}}},
        "units": {"type": "array", "items": {"type": "object", "properties": {
            "unit": STRING, "by_status": BY_STATUS}}},
        "weekly": {"type": "array", "items": {"type": "object", "properties": {
            "week": DATE, "arrested": COUNT, "surrendered": COUNT}}},
        "campaigns": {"type": "array", "items": ref("CampaignProgress")},
        "officers": {"type": "array", "items": {"type": "object", "properties": {
            "officer": STRING, "unit": STRING, "wanted_assigned": COUNT,
            "overdue_followups": COUNT}}},
        "tips_overdue": COUNT, "hits_overdue": COUNT, "validation_overdue": COUNT,
        "median_hit_response_minutes": {"type": "number", "nullable": True},
        "overdue_hits": {"type": "array", "items": {"type": "object", "properties": {
            "tip_id": COUNT, "person_id": COUNT, "full_name": STRING, "unit": STRING,
            "due_at": STRING}}},
        "overdue_tips": {"type": "array", "items": {"type": "object", "properties": {
            "id": COUNT, "person_id": {"type": "integer", "nullable": True}, "unit": STRING,
            "due_at": STRING}}},
        "overdue_validations": {"type": "array", "items": {"type": "object", "properties": {
            "id": COUNT, "full_name": STRING, "unit": STRING, "due_at": STRING}}}}},
})

@api_route("/stats", "GET", "Figures of a unit and its sub-units, as on the dashboard",
           tag="oversight", query=StatsQuery,
           responses={200: {"description": "Figures", "schema": ref("Stats")},
                      **error_responses(401, 403, 422)})
def stats():
    unit, period, campaign = services.parse_stats_args(g.actor, request.args)
    return services.unit_stats(unit, period, campaign)


@api_route("/campaigns", "GET", "List campaigns with their progress", tag="oversight",
           responses={200: {"description": "Campaigns"}, **error_responses(401)})
def list_campaigns():
    return {"items": [services.campaign_progress(c) for c in services.list_campaigns()]}


@api_route("/campaigns", "POST", "Create a campaign (supervisors)", tag="oversight",
           body=CampaignInput,
           responses={201: {"description": "Created", "schema": ref("CampaignProgress")},
                      **error_responses(401, 403, 422)})
def create_campaign():
    campaign = services.create_campaign(g.actor, json_body())
    db.session.commit()
    return services.campaign_progress(campaign), 201


@api_route("/campaigns/<int:campaign_id>", "GET", "A campaign and its progress",
           tag="oversight",
           responses={200: {"description": "Campaign", "schema": ref("CampaignProgress")},
                      **error_responses(401, 404)})
def get_campaign(campaign_id: int):
    return services.campaign_progress(services.get_campaign(campaign_id))
