"""A staff member's browser without the browser: cookies, CSRF tokens and the login steps
of the console at /desk/, for the end-to-end tests."""

from __future__ import annotations

import html
import re
import time

import pyotp
import requests

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
SECRET = re.compile(r'id="totp-secret">([A-Z2-7 ]+)<')
PASSWORD = "een-eigen-wachtwoord-2026"


class Console:
    def __init__(self, base_url: str) -> None:
        self.base = f"{base_url}/desk"
        self.http = requests.Session()
        self.secret: str | None = None
        self.page = ""

    def get(self, path: str, **kwargs) -> requests.Response:
        response = self.http.get(f"{self.base}{path}", allow_redirects=False, timeout=30, **kwargs)
        self.page = response.text
        return response

    def csrf(self) -> str:
        found = CSRF.search(self.page)
        assert found, "the page has no form with a CSRF token"
        return html.unescape(found.group(1))

    def post(self, path: str, data: dict[str, str], csrf: bool = True) -> requests.Response:
        body = {**({"csrf_token": self.csrf()} if csrf else {}), **data}
        response = self.http.post(f"{self.base}{path}", data=body, allow_redirects=False, timeout=30)
        self.page = response.text
        return response

    def code(self, at: float | None = None) -> str:
        assert self.secret
        return pyotp.TOTP(self.secret).at(at or time.time())

    def first_login(self, name: str, one_time_password: str) -> None:
        """Password, a password of one's own, the second factor set up: logged in."""
        self.get("/login")
        assert self.post("/login", {"name": name, "password": one_time_password}).status_code == 200
        assert self.post("/password", {"new_password": PASSWORD, "repeat_password": PASSWORD}).status_code == 200
        found = SECRET.search(self.page)
        assert found, "the setup page shows the key"
        self.secret = found.group(1).replace(" ", "")
        response = self.post("/second-factor", {"code": self.code()})
        assert response.status_code == 303 and response.headers["Location"].endswith("/desk/handover")
        assert self.get("/handover").status_code == 200

    def login(self, name: str, code_time: float | None = None) -> requests.Response:
        self.get("/login")
        self.post("/login", {"name": name, "password": PASSWORD})
        return self.post("/second-factor", {"code": self.code(code_time)})
