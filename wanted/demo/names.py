"""Synthetic but real-looking Vietnamese people, places and case notes for the demo data.

Everything here is invented: the province of Bình Sơn does not exist, identity numbers use a
province code that no real province has, and names are drawn at random, so no record describes
a real person. Every function takes a `random.Random`, so one seed gives one demo world.
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from wanted.registry.models import CAUTION_FLAGS

PROVINCE = "Bình Sơn"
PROVINCE_POLICE = f"Công an tỉnh {PROVINCE}"
# Real CCCD province codes run from 001 to 096; 098 belongs to no province.
PROVINCE_ID_CODE = "098"
# Landline area codes run from 0203 to 0299 with gaps; 0298 belongs to no province.
AREA_CODE = "0298"
PROVINCE_SEAT = f"số 18 đường Trần Hưng Đạo, phường Đông Thành, tỉnh {PROVINCE}"


@dataclass(frozen=True)
class UnitSeed:
    """A police unit to create, with the units under it."""

    code: str
    name: str
    children: tuple["UnitSeed", ...] = ()
    address: str = ""  # printed on the unit's notices with its phone
    phone: str = ""


@dataclass(frozen=True)
class Commune:
    """A commune or ward of the province, with its hamlets or residential groups."""

    kind: str  # "xã" or "phường"
    name: str
    unit_code: str
    hamlets: tuple[str, ...]
    market: str
    exchange: str  # the commune's telephone exchange: the first digits of its landlines

    @property
    def police_name(self) -> str:
        """Return the name of the commune's police unit."""
        return f"Công an {self.kind} {self.name}"

    @property
    def police_seat(self) -> UnitSeed:
        """Return the commune's police unit, at its office in the first hamlet."""
        return UnitSeed(self.unit_code, self.police_name,
                        address=f"{self.hamlets[0]}, {self.kind} {self.name}, tỉnh {PROVINCE}",
                        phone=f"{AREA_CODE} {self.exchange} 113")


COMMUNES: tuple[Commune, ...] = (
    Commune("phường", "Đông Thành", "BS-DT",
            ("tổ dân phố 2", "tổ dân phố 5", "tổ dân phố 9", "khu phố Trại Cau"),
            "chợ Đông Thành", "3822"),
    Commune("phường", "Nam Hà", "BS-NH",
            ("tổ dân phố 1", "tổ dân phố 4", "tổ dân phố 7", "khu phố Bến Đò"),
            "chợ đầu mối Nam Hà", "3851"),
    Commune("phường", "Bắc Sơn", "BS-BSO",
            ("tổ dân phố 3", "tổ dân phố 6", "khu phố Ga", "khu phố Đồi Thông"),
            "chợ Ga Bắc Sơn", "3867"),
    Commune("xã", "Tân Lập", "BS-TL",
            ("thôn Đồng Tâm", "thôn Tân Hòa", "xóm Bãi", "xóm Chùa"),
            "chợ Tân Lập", "3716"),
    Commune("xã", "Yên Phú", "BS-YP",
            ("thôn Yên Thượng", "thôn Yên Hạ", "xóm Đình", "xóm Mới"),
            "chợ phiên Yên Phú", "3739"),
    Commune("xã", "Thanh Lâm", "BS-TLM",
            ("thôn Lâm Trường", "thôn Khe Đá", "xóm Núi", "thôn Đồng Chanh"),
            "chợ Thanh Lâm", "3762"),
    Commune("xã", "Phú Xuân", "BS-PX",
            ("thôn Phú Lợi", "thôn Xuân Đài", "xóm Ven Sông", "thôn Bến Gỗ"),
            "chợ Phú Xuân", "3785"),
    Commune("xã", "Khe Mây", "BS-KM",
            ("bản Nà Lìu", "bản Phiêng Mây", "bản Khe Cát", "thôn Cốc Pục"),
            "chợ phiên Khe Mây", "3891"),
)

UNIT_TREE = UnitSeed(
    "BS",
    PROVINCE_POLICE,
    (
        UnitSeed("BS-PC02", "Phòng Cảnh sát hình sự", address=PROVINCE_SEAT,
                 phone=f"{AREA_CODE} 3822 402"),
        UnitSeed("BS-PC03", "Phòng Cảnh sát kinh tế", address=PROVINCE_SEAT,
                 phone=f"{AREA_CODE} 3822 403"),
        UnitSeed("BS-PC04", "Phòng Cảnh sát điều tra tội phạm về ma túy",
                 address=f"số 7 đường Lê Lợi, phường Nam Hà, tỉnh {PROVINCE}",
                 phone=f"{AREA_CODE} 3851 404"),
        *(c.police_seat for c in COMMUNES),
    ),
    address=PROVINCE_SEAT,
    phone=f"{AREA_CODE} 3822 400",
)

# Share of the population (per cent, rounded) for the common Kinh family names.
KINH_FAMILY_NAMES: tuple[tuple[str, float], ...] = (
    ("Nguyễn", 38.0), ("Trần", 11.0), ("Lê", 9.5), ("Phạm", 7.0), ("Hoàng", 3.0),
    ("Huỳnh", 2.0), ("Phan", 4.5), ("Vũ", 2.5), ("Võ", 1.5), ("Đặng", 2.1), ("Bùi", 2.0),
    ("Đỗ", 1.4), ("Hồ", 1.3), ("Ngô", 1.3), ("Dương", 1.0), ("Lý", 0.5), ("Đinh", 0.7),
    ("Trương", 0.6), ("Đào", 0.4), ("Mai", 0.3), ("Cao", 0.3), ("Lương", 0.3), ("Tạ", 0.2),
    ("Chu", 0.2), ("Hà", 0.3), ("Lâm", 0.3), ("Quách", 0.1), ("Kiều", 0.1),
)
MIDDLE_NAMES = {
    "male": (("Văn", 50), ("Hữu", 6), ("Đức", 8), ("Minh", 8), ("Quang", 5), ("Công", 4),
             ("Thanh", 4), ("Xuân", 3), ("Ngọc", 3), ("Duy", 3), ("Tiến", 2), ("Trọng", 2),
             ("Mạnh", 2)),
    "female": (("Thị", 55), ("Ngọc", 8), ("Thu", 6), ("Thanh", 6), ("Minh", 4), ("Hồng", 5),
               ("Kim", 5), ("Phương", 4), ("Bích", 3), ("Mỹ", 4)),
}
GIVEN_NAMES = {
    "male": ("Hùng", "Dũng", "Đức", "Hưng", "Tuấn", "Nam", "Long", "Cường", "Thắng", "Hải",
             "Sơn", "Tùng", "Quân", "Phong", "Toàn", "Bình", "Khánh", "Trung", "Hiếu", "Thành",
             "Việt", "Tâm", "Huy", "Hòa", "Phúc", "Đạt", "Kiên", "Vinh", "Tài", "Lộc", "Tú",
             "Quý", "Chiến", "Thịnh", "Lực", "Nghĩa"),
    "female": ("Lan", "Hương", "Hoa", "Mai", "Linh", "Hằng", "Trang", "Thảo", "Nga", "Hà",
               "Phương", "Yến", "Nhung", "Thủy", "Hạnh", "Loan", "Huyền", "Dung", "Vân",
               "Oanh", "Liên", "Thúy", "Ngân", "Tuyết"),
}

# Ethnic groups with their share among the demo's people and their naming customs:
# (family names, male middle names, female middle names, male given, female given).
ETHNICITIES: tuple[tuple[str, int], ...] = (
    ("Kinh", 85), ("Tày", 4), ("Thái", 3), ("Mường", 3), ("Khmer", 3), ("Mông", 2),
)
MINORITY_NAMES: dict[str, tuple[tuple[str, ...], ...]] = {
    "Tày": (("Nông", "Hoàng", "Ma", "Lương", "Hà"), ("Văn",), ("Thị",),
            ("Dền", "Khánh", "Thào", "Páo", "Quyết", "Toán"), ("Thắm", "Nhàn", "Dịu", "Hoa")),
    "Thái": (("Lò", "Lường", "Cầm", "Quàng", "Vi"), ("Văn",), ("Thị",),
             ("Tiến", "Hặc", "Ngân", "Pánh", "Xôm"), ("Xuân", "Bun", "Ỏn", "Nhinh")),
    "Mường": (("Bùi", "Đinh", "Quách", "Hà"), ("Văn",), ("Thị",),
              ("Dũng", "Lực", "Khương", "Thuận", "Nhất"), ("Thu", "Mến", "Lụa", "Xoan")),
    "Khmer": (("Thạch", "Sơn", "Danh", "Kim", "Lâm"), ("",), ("Thị",),
              ("Sô Phal", "Sa Rươl", "Hoàng", "Na Ra", "Sa Ra"), ("Sô Phi", "Sa Ly", "Đa Ni")),
    "Mông": (("Giàng", "Vàng", "Sùng", "Thào", "Mùa", "Lầu", "Hờ"), ("A", "Seo"), ("Thị", "Mí"),
             ("Páo", "Sử", "Chứ", "Dình", "Chư", "Lử"), ("Mỷ", "Dua", "Sua", "Chở", "Pà")),
}

NICKNAME_SUFFIXES = ("sẹo", "đen", "còi", "béo", "lác", "trọc", "móm", "xoăn", "lùn", "cụt")
NICKNAMES = {
    "male": ("Tí", "Bin", "Tèo", "Cu", "Bo", "Tũn", "Su", "Gấu", "Tôm", "Ken", "Bi", "Hổ"),
    "female": ("Bống", "Mít", "Na", "Su", "Xíu", "Cún", "Ốc"),
}

BUILDS = ("gầy", "cao gầy", "trung bình", "đậm người", "béo", "vạm vỡ")
SKINS = ("ngăm", "ngăm đen", "trắng", "vàng", "sạm nắng")
HAIR = {
    "male": ("tóc ngắn", "tóc húi cua", "tóc cạo trọc", "tóc xoăn ngắn", "tóc nhuộm vàng",
             "tóc dài buộc sau gáy"),
    "female": ("tóc dài", "tóc ngang vai", "tóc uốn xoăn", "tóc nhuộm nâu", "tóc buộc đuôi ngựa"),
}
FACES = ("mặt vuông", "mặt tròn", "mặt dài", "mặt trái xoan", "gò má cao")
VOICES = ("giọng nói miền Bắc", "giọng nói miền Trung", "giọng nói miền Nam", "nói ngọng l/n")
MARKS = {
    "male": ("sẹo dài 3cm ở má trái", "sẹo dài 5cm ở trán", "xăm hình rồng ở cánh tay phải",
             "xăm hình đại bàng ở lưng", "xăm chữ \"Mẹ\" ở ngực trái", "nốt ruồi to ở cằm",
             "cụt đốt ngón trỏ tay trái", "răng cửa bịt vàng", "sẹo bỏng ở mu bàn tay phải",
             "xăm hình hổ ở bắp chân trái", "tai phải bấm nhiều lỗ"),
    "female": ("nốt ruồi ở khóe miệng phải", "xăm hình hoa hồng ở cổ tay trái",
               "sẹo mổ ở bụng", "xăm chữ tiếng Anh ở gáy", "răng khểnh",
               "sẹo nhỏ ở đuôi mắt trái"),
}

DECISION_AGENCIES = (
    (f"Cơ quan CSĐT {PROVINCE_POLICE}", "QĐ-CSĐT", "Thủ trưởng Cơ quan CSĐT"),
    (f"Cơ quan CSĐT {PROVINCE_POLICE}", "QĐ-CSĐT", "Phó Thủ trưởng Cơ quan CSĐT"),
    (f"Cơ quan Thi hành án hình sự {PROVINCE_POLICE}", "QĐ-THAHS",
     "Thủ trưởng Cơ quan Thi hành án hình sự"),
)
SENIOR_RANKS = ("Thượng tá", "Đại tá")
OFFICER_RANKS = ("Thiếu úy", "Trung úy", "Thượng úy", "Đại úy", "Thiếu tá", "Trung tá")
OTHER_PLACES = ("TP. Hồ Chí Minh", "thành phố Hà Nội", "thành phố Hải Phòng", "tỉnh Quảng Ninh",
                "tỉnh Lào Cai", "tỉnh Đồng Nai", "tỉnh Lâm Đồng", "tỉnh Gia Lai")
ABROAD = ("Campuchia", "Lào", "Trung Quốc")

# Caution flags more likely for some charge categories (category → flag → chance).
FLAG_CHANCES: dict[str, dict[str, float]] = {
    "murder": {"armed": 0.6, "violent": 0.8, "escape_risk": 0.5},
    "robbery": {"armed": 0.5, "violent": 0.6, "escape_risk": 0.3},
    "injury": {"violent": 0.6, "armed": 0.2},
    "drugs": {"drug_user": 0.6, "armed": 0.2, "escape_risk": 0.4, "contagious_disease": 0.1},
    "organised": {"armed": 0.4, "escape_risk": 0.5, "violent": 0.3},
    "snatching": {"drug_user": 0.4, "escape_risk": 0.3},
}
DEFAULT_FLAG_CHANCES = {"drug_user": 0.12, "escape_risk": 0.15, "violent": 0.08}
SPECIAL_CLASS_CATEGORIES = ("murder", "drugs", "organised", "robbery")
HIGHLAND_ETHNICITIES = ("Tày", "Thái", "Mường", "Mông")
HIGHLAND_COMMUNES = tuple(c for c in COMMUNES if c.name in ("Khe Mây", "Thanh Lâm"))


@dataclass
class SyntheticPerson:
    """A made-up wanted person, with fields named as on `WantedPerson`."""

    full_name: str
    sex: str
    birth_year: int
    birth_date: date | None
    birth_place: str
    ethnicity: str
    nationality: str
    id_number: str | None
    aliases: list[str]
    registered_address: str
    last_known_address: str
    description: str
    marks: str
    caution_flags: list[str]
    danger_class: str
    decision_number: str
    decision_date: date
    decision_agency: str
    decision_issued_by: str
    unit_code: str
    home_commune: Commune = field(repr=False)


@dataclass(frozen=True)
class OutreachNote:
    """A made-up persuasion contact, with fields named as on `OutreachContact`."""

    contact_name: str
    relation: str
    channel: str
    outcome: str
    notes: str


@dataclass(frozen=True)
class TipNote:
    """A made-up report of a person's whereabouts, with fields named as on `Tip`."""

    source: str
    location: str
    text: str


@dataclass(frozen=True)
class AttemptNote:
    """A made-up arrest attempt, with fields named as on `ArrestAttempt`."""

    location: str
    outcome: str
    notes: str


def pick_sex(rng: random.Random) -> str:
    """Pick a sex, men being most of the wanted."""
    return "male" if rng.random() < 0.88 else "female"


def pick_ethnicity(rng: random.Random) -> str:
    """Pick an ethnic group, mostly Kinh."""
    groups, weights = zip(*ETHNICITIES, strict=True)
    return rng.choices(groups, weights)[0]


def full_name(rng: random.Random, sex: str, ethnicity: str = "Kinh") -> str:
    """Return a full name with diacritics that follows the ethnic group's customs."""
    if ethnicity in MINORITY_NAMES:
        families, male_middles, female_middles, male_given, female_given = (
            MINORITY_NAMES[ethnicity]
        )
        middles, givens = (
            (male_middles, male_given) if sex == "male" else (female_middles, female_given)
        )
        parts = (rng.choice(families), rng.choice(middles), rng.choice(givens))
        return " ".join(part for part in parts if part)
    families, family_weights = zip(*KINH_FAMILY_NAMES, strict=True)
    middles, middle_weights = zip(*MIDDLE_NAMES[sex], strict=True)
    family = rng.choices(families, family_weights)[0]
    middle = rng.choices(middles, middle_weights)[0]
    return f"{family} {middle} {rng.choice(GIVEN_NAMES[sex])}"


def officer_name(rng: random.Random) -> str:
    """Return a made-up officer's full name (Kinh, mostly men)."""
    return full_name(rng, "male" if rng.random() < 0.8 else "female")


def aliases_for(rng: random.Random, name: str, sex: str) -> list[str]:
    """Return zero to two street names such as "Hùng 'sẹo'" or "Tí"."""
    given = name.split()[-1]
    count = rng.choices((0, 1, 2), (45, 40, 15))[0]
    candidates = [f"{given} '{suffix}'" for suffix in rng.sample(NICKNAME_SUFFIXES, 2)]
    candidates += rng.sample(NICKNAMES[sex], 2)
    rng.shuffle(candidates)
    return candidates[:count]


def id_number(rng: random.Random, sex: str, birth_year: int) -> str:
    """Return a well-formed 12-digit CCCD number under the fictional province code."""
    century_sex = (0 if birth_year < 2000 else 2) + (0 if sex == "male" else 1)
    serial = rng.randrange(1_000_000)
    return f"{PROVINCE_ID_CODE}{century_sex}{birth_year % 100:02d}{serial:06d}"


def address(rng: random.Random, commune: Commune | None = None) -> str:
    """Return an address "hamlet, commune, province" in Bình Sơn (no district level)."""
    commune = commune or rng.choice(COMMUNES)
    hamlet = rng.choice(commune.hamlets)
    if commune.kind == "phường" and rng.random() < 0.5:
        hamlet = f"số {rng.randint(1, 180)}, {hamlet}"
    return f"{hamlet}, {commune.kind} {commune.name}, tỉnh {PROVINCE}"


def description(rng: random.Random, sex: str) -> str:
    """Return a physical description such as "cao khoảng 1m65, dáng gầy, da ngăm"."""
    low, high = (158, 180) if sex == "male" else (148, 166)
    centimetres = rng.randint(low, high)
    parts = [
        f"cao khoảng {centimetres // 100}m{centimetres % 100:02d}",
        f"dáng {rng.choice(BUILDS)}",
        f"da {rng.choice(SKINS)}",
        rng.choice(HAIR[sex]),
        rng.choice(FACES),
    ]
    if rng.random() < 0.4:
        parts.append(rng.choice(VOICES))
    return ", ".join(parts)


def marks(rng: random.Random, sex: str) -> str:
    """Return zero to two scars, marks or tattoos, separated by semicolons."""
    count = rng.choices((0, 1, 2), (35, 45, 20))[0]
    return "; ".join(rng.sample(MARKS[sex], count))


def caution_flags(rng: random.Random, category: str | None = None) -> list[str]:
    """Return the caution flags for a person wanted under a charge category."""
    chances = FLAG_CHANCES.get(category or "", DEFAULT_FLAG_CHANCES)
    return [flag for flag in CAUTION_FLAGS if rng.random() < chances.get(flag, 0.03)]


def birth(rng: random.Random, decided_on: date) -> tuple[int, date | None]:
    """Return a birth year, and a birth date unless the record only knows the year."""
    year = decided_on.year - rng.randint(18, 55)
    if rng.random() < 0.2:
        return year, None
    return year, date(year, 1, 1) + timedelta(days=rng.randrange(365))


def decision(rng: random.Random, today: date) -> tuple[str, date, str, str]:
    """Return a wanted decision's number, date, issuing agency and issuing officer."""
    days_ago = int(rng.triangular(20, 12 * 365, 400))
    decided_on = today - timedelta(days=days_ago)
    agency, suffix, position = rng.choices(DECISION_AGENCIES, (5, 3, 2))[0]
    number = f"{rng.randint(1, 240)}/{suffix}"
    issued_by = f"{rng.choice(SENIOR_RANKS)} {officer_name(rng)}, {position}"
    return number, decided_on, agency, issued_by


def birth_place(rng: random.Random, home: Commune) -> str:
    """Return a place of birth, usually the home commune."""
    if rng.random() < 0.8:
        return f"{home.kind} {home.name}, tỉnh {PROVINCE}"
    return rng.choice(OTHER_PLACES)


def make_person(rng: random.Random, today: date, category: str | None = None) -> SyntheticPerson:
    """Return a made-up wanted person whose decision was issued before `today`."""
    sex = pick_sex(rng)
    ethnicity = pick_ethnicity(rng)
    name = full_name(rng, sex, ethnicity)
    home = rng.choice(HIGHLAND_COMMUNES if ethnicity in HIGHLAND_ETHNICITIES else COMMUNES)
    number, decided_on, agency, issued_by = decision(rng, today)
    year, born_on = birth(rng, decided_on)
    registered = address(rng, home)
    special = category in SPECIAL_CLASS_CATEGORIES and rng.random() < 0.4
    return SyntheticPerson(
        full_name=name,
        sex=sex,
        birth_year=year,
        birth_date=born_on,
        birth_place=birth_place(rng, home),
        ethnicity=ethnicity,
        nationality="Việt Nam",
        id_number=id_number(rng, sex, year) if rng.random() < 0.9 else None,
        aliases=aliases_for(rng, name, sex),
        registered_address=registered,
        last_known_address=registered if rng.random() < 0.5 else address(rng),
        description=description(rng, sex),
        marks=marks(rng, sex),
        caution_flags=caution_flags(rng, category),
        danger_class="special" if special else "normal",
        decision_number=number,
        decision_date=decided_on,
        decision_agency=agency,
        decision_issued_by=issued_by,
        unit_code=home.unit_code if rng.random() < 0.7 else "BS-PC02",
        home_commune=home,
    )


def _relative(rng: random.Random, person: SyntheticPerson) -> tuple[str, str]:
    """Return a relative's or local figure's name and relation to the person."""
    family = person.full_name.split()[0]
    local_head = "trưởng thôn" if person.home_commune.kind == "xã" else "tổ trưởng tổ dân phố"
    relations = ["mẹ đẻ", "bố đẻ", "anh trai", "chị gái", "chú ruột", local_head]
    relations.append("vợ" if person.sex == "male" else "chồng")
    relation = rng.choice(relations)
    sex = "female" if relation in ("mẹ đẻ", "chị gái", "vợ") else "male"
    name = full_name(rng, sex, person.ethnicity)
    if relation in ("bố đẻ", "anh trai", "chị gái", "chú ruột"):
        name = " ".join([family, *name.split()[1:]])
    return name, relation


@dataclass(frozen=True)
class OutreachTemplate:
    """The wording of a persuasion contact with a given outcome over a given channel."""

    outcome: str
    channel: str
    text: str


OUTREACH_TEMPLATES: tuple[OutreachTemplate, ...] = (
    OutreachTemplate(
        "will_persuade", "visit",
        "Đến nhà làm việc với {title} {contact} ({relation} của đối tượng), giải thích chính "
        "sách khoan hồng của Nhà nước đối với người ra đầu thú. {Title} {contact} hứa sẽ "
        "khuyên {given} sớm ra đầu thú.",
    ),
    OutreachTemplate(
        "will_persuade", "via_commune",
        "Phối hợp Công an {commune} làm việc với {title} {contact} ({relation}); {title} cam "
        "kết cùng gia đình vận động {given} về trình diện.",
    ),
    OutreachTemplate(
        "refused", "visit",
        "Gia đình không hợp tác. {Title} {contact} ({relation}) nói không biết {given} ở đâu, "
        "đã lâu không liên lạc, từ chối ký biên bản làm việc.",
    ),
    OutreachTemplate(
        "refused", "phone",
        "Gọi điện cho {title} {contact} ({relation}) để vận động; {title} tắt máy, sau đó "
        "không nghe máy.",
    ),
    OutreachTemplate(
        "info_obtained", "phone",
        "Gọi điện cho {title} {contact} ({relation}). {Title} cho biết khoảng hai tuần trước "
        "{given} gọi về nhà bằng số lạ, nói đang làm thuê ở {place}.",
    ),
    OutreachTemplate(
        "info_obtained", "visit",
        "Qua làm việc với {title} {contact} ({relation}), xác định {given} có người yêu ở "
        "{place}, thỉnh thoảng về thăm vào cuối tuần.",
    ),
    OutreachTemplate(
        "promised_surrender", "phone",
        "{Title} {contact} ({relation}) cho biết {given} đã gọi điện về, hứa sẽ ra đầu thú "
        "sau khi thu xếp công việc. Tiếp tục giữ liên lạc với gia đình.",
    ),
    OutreachTemplate(
        "promised_surrender", "visit",
        "Sau nhiều lần vận động, {given} nhắn qua {title} {contact} ({relation}) là đồng ý "
        "ra đầu thú tại Công an {commune} trong tháng tới.",
    ),
    OutreachTemplate(
        "other", "letter",
        "Gửi thư vận động đầu thú qua gia đình; {title} {contact} ({relation}) đã nhận thư.",
    ),
)
# Chance of each outcome, in per cent.
OUTREACH_WEIGHTS = {
    "will_persuade": 35, "refused": 15, "info_obtained": 25, "promised_surrender": 10, "other": 5,
}


def _title(relation: str, contact_name: str) -> str:
    """Return the polite form of address ("bà", "ông", "anh", "chị") for a contact."""
    if relation == "mẹ đẻ":
        return "bà"
    if relation in ("bố đẻ", "trưởng thôn", "tổ trưởng tổ dân phố", "chú ruột"):
        return "ông"
    if " Thị " in contact_name or relation in ("vợ", "chị gái"):
        return "chị"
    return "anh"


def outreach_note(rng: random.Random, person: SyntheticPerson) -> OutreachNote:
    """Return a made-up persuasion contact with someone close to the person."""
    contact, relation = _relative(rng, person)
    outcome = rng.choices(tuple(OUTREACH_WEIGHTS), tuple(OUTREACH_WEIGHTS.values()))[0]
    template = rng.choice([t for t in OUTREACH_TEMPLATES if t.outcome == outcome])
    title = _title(relation, contact)
    notes = template.text.format(
        title=title,
        Title=title.capitalize(),
        contact=contact,
        relation=relation,
        given=person.full_name.split()[-1],
        commune=f"{person.home_commune.kind} {person.home_commune.name}",
        place=_somewhere(rng),
    )
    return OutreachNote(contact, relation, template.channel, outcome, notes)


TIP_TEMPLATES = (
    ("Người dân báo thấy đối tượng xuất hiện tại {market} khoảng 6 giờ sáng, đi xe máy Wave "
     "màu đỏ, đội mũ bảo hiểm che kín mặt."),
    ("Nguồn tin cho biết đối tượng đang làm phụ hồ tại một công trình ở {place}, "
     "dùng tên giả."),
    "Có người thấy đối tượng ngồi quán nước gần {market}, đi cùng hai thanh niên lạ mặt.",
    "Tài khoản mạng xã hội nghi của đối tượng đăng ảnh check-in tại {place}.",
    "Đối tượng thường về nhà vào ban đêm dịp giỗ họ, ở lại khoảng một đến hai ngày.",
    "Nguồn tin báo đối tượng đã vượt biên sang {abroad} làm thuê, chưa rõ thời gian về.",
)


def _somewhere(rng: random.Random) -> str:
    """Return a place in or outside the province where a person might be."""
    if rng.random() < 0.5:
        commune = rng.choice(COMMUNES)
        return f"{commune.kind} {commune.name}"
    return rng.choice(OTHER_PLACES)


def tip_note(rng: random.Random, person: SyntheticPerson) -> TipNote:
    """Return a made-up tip from an officer or the public about where the person is."""
    market = rng.choice(COMMUNES).market
    place = _somewhere(rng)
    template = rng.choice(TIP_TEMPLATES)
    text = template.format(market=market, place=place, abroad=rng.choice(ABROAD))
    location = market if "{market}" in template else place
    if "giỗ họ" in template:
        location = person.registered_address
    return TipNote(rng.choice(("officer", "public", "public")), location, text)


ATTEMPT_TEMPLATES: dict[str, tuple[str, ...]] = {
    "not_found": (
        ("Tổ công tác phối hợp Công an {commune} vây bắt tại nơi ở nhưng đối tượng đã rời đi "
         "từ trước."),
        ("Xác minh tại địa chỉ theo tin báo, không phát hiện đối tượng; chủ nhà nói đã chuyển "
         "đi khoảng một tuần."),
    ),
    "escaped": (
        ("Đối tượng phát hiện lực lượng, bỏ chạy qua vườn sau nhà về hướng đồi, tổ công tác "
         "truy đuổi nhưng không bắt được."),
    ),
    "wrong_person": (
        ("Người bị kiểm tra có đặc điểm giống nhưng không phải đối tượng (đã đối chiếu CCCD "
         "và vân tay), đã cho về."),
    ),
    "arrested": (
        ("Bắt giữ đối tượng khi đang ngủ tại lán trại; đối tượng không chống cự. Lập biên bản, "
         "bàn giao cho Cơ quan CSĐT."),
        ("Phục kích tại {market}, bắt giữ đối tượng lúc 5 giờ 30; thu giữ một điện thoại "
         "di động."),
    ),
}


def attempt_note(rng: random.Random, person: SyntheticPerson, outcome: str) -> AttemptNote:
    """Return a made-up arrest attempt with the given outcome and its notes."""
    commune = person.home_commune
    template = rng.choice(ATTEMPT_TEMPLATES[outcome])
    notes = template.format(commune=f"{commune.kind} {commune.name}", market=commune.market)
    location = commune.market if "{market}" in template else person.last_known_address
    return AttemptNote(location, outcome, notes)


def officer_rank(rng: random.Random) -> str:
    """Return a junior or middle police rank for a made-up officer."""
    return rng.choice(OFFICER_RANKS)
