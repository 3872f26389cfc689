def test_login_page_is_in_vietnamese_by_default(client, province):
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="vi">' in page
