def test_login_page_renders_in_vietnamese(client, province):
    response = client.get("/login")
    assert response.status_code == 200
    assert "Đăng nhập" in response.get_data(as_text=True) or "Sign in" in response.get_data(as_text=True)
