"""Input shapes of the public side: publishing and citizen tips."""

from pydantic import Field, StrictBool

from wanted.validation import MAX_PAGE, Id, PastMoment, QueryInt, QuerySchema, Schema, Text


class PublicationInput(Schema):
    """Publish (true) or withdraw (false) a person's public notice, with what it shows."""

    published: StrictBool
    photo_id: Id | None = Field(None, description="One of the person's registry photos")
    area: Text(150) = Field("", description="Home address at district level, shown publicly")
    contact: Text(300) = Field("", description="The unit's contact; default: its name, "
                                               "address and phone")
    reason: Text(300) = Field("", description="Why a notice is withdrawn")


class CitizenTipInput(Schema):
    """A citizen's tip: what, where and when seen, and an optional contact."""

    person_id: Text(40) = Field("", description="The published person the tip is about")
    text: Text(5000, min_length=1, lines=True)
    seen_place: Text(300) = ""
    seen_at: PastMoment | None = Field(None, description="Local time when seen")
    contact: Text(300) = ""


class NoticeQuery(QuerySchema):
    """The portal's search of published notices; every filter optional."""

    q: Text(100) = Field("", description="Words of name or aliases, no diacritics needed")
    year: QueryInt(1900, 2100) | None = Field(None, description="Birth year")
    area: Text(100) = Field("", description="Words of the district or commune")
    page: QueryInt(1, MAX_PAGE) = 1


class CloseTipInput(Schema):
    """What came of a citizen tip, as its closing officer says."""

    outcome: Text(2000, min_length=1, lines=True)
