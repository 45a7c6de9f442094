"""A browser's first visit asks for /favicon.ico whatever the page links: it gets the icon."""


def test_a_browser_asking_for_the_icon_at_the_root_gets_it(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert "max-age" in response["Cache-Control"]


def test_pages_link_the_same_icon(client):
    page = client.get("/accounts/login/").content.decode()
    assert 'rel="icon"' in page and "favicon.ico" in page
