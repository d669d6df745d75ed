import pytest

pytestmark = pytest.mark.django_db


def test_home_is_chinese_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="zh-hans">' in body
    assert "企业标准“领跑者”" in body


def test_language_switch_to_english_and_back(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    body = client.get("/").content.decode()
    assert '<html lang="en">' in body
    assert "Sign in" in body
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "登录" in client.get("/").content.decode()


def test_accept_language_english_gets_english(client):
    body = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in body


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "返回首页" in response.content.decode()
