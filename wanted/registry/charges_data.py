"""Reference list of Penal Code charges (Bộ luật Hình sự 2015, amended 2017).

Names are the official article titles without the leading "Tội", in the wording of the 2017
consolidated text (for example Điều 232 and Điều 244 carry their amended titles).
"""

from flask_babel import lazy_gettext as _l

CATEGORIES: dict[str, str] = {
    "theft": _l("Theft"),
    "robbery": _l("Robbery"),
    "snatching": _l("Snatching"),
    "injury": _l("Intentional injury"),
    "drugs": _l("Drugs"),
    "loan_sharking": _l("Loan-sharking"),
    "fraud": _l("Fraud and high-tech crime"),
    "economic": _l("Economic crime"),
    "corruption": _l("Corruption"),
    "environment": _l("Environment"),
    "organised": _l("Organised crime"),
    "murder": _l("Murder"),
    "other": _l("Other"),
}

# (article, name, category code)
CHARGES: list[tuple[str, str, str]] = [
    ("123", "Giết người", "murder"),
    ("134", "Cố ý gây thương tích hoặc gây tổn hại cho sức khỏe của người khác", "injury"),
    ("141", "Hiếp dâm", "other"),
    ("150", "Mua bán người", "organised"),
    ("151", "Mua bán người dưới 16 tuổi", "organised"),
    ("168", "Cướp tài sản", "robbery"),
    ("169", "Bắt cóc nhằm chiếm đoạt tài sản", "robbery"),
    ("170", "Cưỡng đoạt tài sản", "robbery"),
    ("171", "Cướp giật tài sản", "snatching"),
    ("173", "Trộm cắp tài sản", "theft"),
    ("174", "Lừa đảo chiếm đoạt tài sản", "fraud"),
    ("175", "Lạm dụng tín nhiệm chiếm đoạt tài sản", "fraud"),
    ("178", "Hủy hoại hoặc cố ý làm hư hỏng tài sản", "other"),
    ("188", "Buôn lậu", "economic"),
    ("190", "Sản xuất, buôn bán hàng cấm", "economic"),
    ("192", "Sản xuất, buôn bán hàng giả", "economic"),
    ("200", "Trốn thuế", "economic"),
    ("201", "Cho vay lãi nặng trong giao dịch dân sự", "loan_sharking"),
    ("232", "Vi phạm quy định về khai thác, bảo vệ rừng và lâm sản", "environment"),
    ("235", "Gây ô nhiễm môi trường", "environment"),
    ("244", "Vi phạm quy định về bảo vệ động vật nguy cấp, quý, hiếm", "environment"),
    ("249", "Tàng trữ trái phép chất ma túy", "drugs"),
    ("250", "Vận chuyển trái phép chất ma túy", "drugs"),
    ("251", "Mua bán trái phép chất ma túy", "drugs"),
    ("255", "Tổ chức sử dụng trái phép chất ma túy", "drugs"),
    ("260", "Vi phạm quy định về tham gia giao thông đường bộ", "other"),
    (
        "290",
        (
            "Sử dụng mạng máy tính, mạng viễn thông, phương tiện điện tử thực hiện hành vi "
            "chiếm đoạt tài sản"
        ),
        "fraud",
    ),
    (
        "304",
        (
            "Chế tạo, tàng trữ, vận chuyển, sử dụng, mua bán trái phép hoặc chiếm đoạt "
            "vũ khí quân dụng, phương tiện kỹ thuật quân sự"
        ),
        "organised",
    ),
    ("318", "Gây rối trật tự công cộng", "other"),
    ("321", "Đánh bạc", "other"),
    ("322", "Tổ chức đánh bạc hoặc gá bạc", "other"),
    ("353", "Tham ô tài sản", "corruption"),
    ("354", "Nhận hối lộ", "corruption"),
    ("355", "Lạm dụng chức vụ, quyền hạn chiếm đoạt tài sản", "corruption"),
    ("356", "Lợi dụng chức vụ, quyền hạn trong khi thi hành công vụ", "corruption"),
]
