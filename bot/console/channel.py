"""The staff console's web server: a Rasa input channel that serves /desk/.

Plain HTML from Jinja2 templates, one stylesheet and no script. Every page needs a
session of the database (`bot.desk.Staff`): without one, a page redirects to the login
and an API or a form answers 401. Every form carries the session's CSRF token. Codes
are sent in POST bodies only, so they never appear in a URL or an access log.

Routes, under /desk:
  GET  /                  -> the handover page
  GET  /login, POST /login, POST /password, POST /second-factor, POST /logout
  GET  /handover, POST /handover (open a code), POST /handover/handled
  GET  /lookup?q=…        the knowledge base and the directory
  GET  /check, POST /check
  GET  /gaps, POST /gaps/added
  GET  /feedback
  GET  /audit             admins only
  GET  /api/handovers     JSON: open handovers (no summaries)
  GET  /desk.css
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from functools import wraps
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.console.pages import check_fields, feedback_rows, handover_view, lookup, run_check
from bot.desk import (
    STAFF_LANGUAGES,
    BadCode,
    Locked,
    LoginFailed,
    Session,
    Staff,
    WeakPassword,
    feedback_store,
    handover_store,
    labels,
    parse_code,
    staff_store,
    staff_time,
)
from bot.dialogue import answers_from_database
from bot.entitlements import SCHEMES, Checks

HERE = Path(__file__).parent
COOKIE = "loket_desk"
MAX_IDS = 10_000  # questions in one group of "Wat Loket niet wist"
LANGUAGE_COOKIE = "loket_desk_lang"
logger = logging.getLogger(__name__)

HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
                               "base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
Handler = Callable[..., Awaitable[HTTPResponse]]


def _environment() -> Environment:
    environment = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]),
                              trim_blocks=True, lstrip_blocks=True)
    environment.filters["when"] = staff_time
    return environment


# The page a form's answer belongs to: the language switch and the menu link there, with GET.
_POSTED_TO_PAGE = {"/desk/handover/handled": "/desk/handover", "/desk/gaps/added": "/desk/gaps",
                   "/desk/password": "/desk/login", "/desk/second-factor": "/desk/login", "/desk/logout": "/desk/login"}


def _page_path(request: Request) -> str:
    return request.path if request.method == "GET" else _POSTED_TO_PAGE.get(request.path, request.path)


class DeskConsole(InputChannel):
    """The console for Informatiepunt and island desk staff."""

    @classmethod
    def name(cls) -> str:
        return "desk"

    def url_prefix(self) -> str:
        return "/desk"

    def __init__(self) -> None:
        self._templates = _environment()
        self._css = (HERE / "static" / "desk.css").read_bytes()
        self._checks: Checks | None = None

    # -- helpers -------------------------------------------------------------------------
    def _language(self, request: Request) -> str:
        chosen = request.args.get("lang") or request.cookies.get(LANGUAGE_COOKIE)
        return chosen if chosen in STAFF_LANGUAGES else "nl"

    def _page(self, request: Request, template: str, session: Session | None, status: int = 200,
              **values: Any) -> HTTPResponse:
        language = self._language(request)
        html = self._templates.get_template(template).render(
            t=labels(language), lang=language, session=session, path=_page_path(request), **values)
        page = response.html(html, status=status, headers=HEADERS)
        if request.args.get("lang") in STAFF_LANGUAGES:
            page.cookies[LANGUAGE_COOKIE] = language
            page.cookies[LANGUAGE_COOKIE]["path"] = "/desk"
            page.cookies[LANGUAGE_COOKIE]["samesite"] = "Strict"
        return page

    @staticmethod
    def _secure(request: Request) -> bool:
        return request.scheme == "https" or request.headers.get("x-forwarded-proto") == "https"

    def _with_cookie(self, request: Request, page: HTTPResponse, session: Session | None) -> HTTPResponse:
        if session is None:
            page.cookies[COOKIE] = ""
            page.cookies[COOKIE]["max-age"] = 0
        else:
            page.cookies[COOKIE] = session.token
        page.cookies[COOKIE]["path"] = "/desk"
        page.cookies[COOKIE]["httponly"] = True
        page.cookies[COOKIE]["samesite"] = "Strict"
        if self._secure(request):
            page.cookies[COOKIE]["secure"] = True
        return page

    @staticmethod
    def _redirect(to: str) -> HTTPResponse:
        return response.redirect(to, status=303, headers=HEADERS)

    def _staff(self) -> Staff:
        return staff_store()

    def _check_engine(self) -> Checks:
        if self._checks is None:
            self._checks = Checks(answers_from_database().knowledge)
        return self._checks

    def _logged_in(self, api: bool = False) -> Callable[[Handler], Handler]:
        """A page for staff only: a session that finished the login, and on a POST its CSRF token."""
        def decorate(handler: Handler) -> Handler:
            @wraps(handler)
            async def guarded(request: Request, *args: Any, **kwargs: Any) -> HTTPResponse:
                session = self._staff().session(request.cookies.get(COOKIE))
                if session is None or session.stage != "ok":
                    if api or request.method != "GET":
                        return response.json({"error": "log in at /desk/login"}, status=401, headers=HEADERS)
                    return self._redirect("/desk/login")
                if request.method == "POST" and not self._staff().csrf_ok(session, request.form.get("csrf_token")):
                    return self._page(request, "message.html", session, status=403,
                                      message=labels(self._language(request))["form_expired"])
                return await handler(request, session, *args, **kwargs)
            return guarded
        return decorate

    # -- routes --------------------------------------------------------------------------
    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:  # noqa: C901
        desk = Blueprint("loket_desk", __name__)

        @desk.route("/desk.css", methods=["GET"])
        async def stylesheet(_: Request) -> HTTPResponse:
            return response.raw(self._css, content_type="text/css; charset=utf-8",
                                headers={**HEADERS, "Cache-Control": "no-cache"})

        @desk.route("/", methods=["GET"])
        @self._logged_in()
        async def home(request: Request, session: Session) -> HTTPResponse:
            return self._redirect("/desk/handover")

        @desk.route("/login", methods=["GET"])
        async def login_page(request: Request) -> HTTPResponse:
            session = self._staff().session(request.cookies.get(COOKIE))
            if session is not None and session.stage == "ok":
                return self._redirect("/desk/handover")
            if session is None:
                session = self._staff().start_session()
            return self._with_cookie(request, self._login_step(request, session), session)

        @desk.route("/login", methods=["POST"])
        async def login(request: Request) -> HTTPResponse:
            return await self._login_post(request, "login")

        @desk.route("/password", methods=["POST"])
        async def password(request: Request) -> HTTPResponse:
            return await self._login_post(request, "change_password")

        @desk.route("/second-factor", methods=["POST"])
        async def second_factor(request: Request) -> HTTPResponse:
            return await self._login_post(request, "second_factor")

        @desk.route("/logout", methods=["POST"])
        @self._logged_in()
        async def logout(request: Request, session: Session) -> HTTPResponse:
            self._staff().end_session(session.token)
            return self._with_cookie(request, self._redirect("/desk/login"), None)

        @desk.route("/handover", methods=["GET"])
        @self._logged_in()
        async def handover_page(request: Request, session: Session) -> HTTPResponse:
            return self._page(request, "handover.html", session)

        @desk.route("/handover", methods=["POST"])
        @self._logged_in()
        async def open_handover(request: Request, session: Session) -> HTTPResponse:
            words = labels(self._language(request))
            typed = request.form.get("code") or ""
            try:
                code = parse_code(typed)
            except BadCode:
                return self._page(request, "handover.html", session, status=400, error=words["bad_code"], typed=typed)
            found = handover_store().get(code)
            if found is None:
                return self._page(request, "handover.html", session, status=404, error=words["not_found"],
                                  typed=typed)
            self._staff().record(session.account.name, "opened", found.code)  # type: ignore[union-attr]
            return self._page(request, "handover.html", session, handover=handover_view(found, self._language(request)),
                              raw=found)

        @desk.route("/handover/handled", methods=["POST"])
        @self._logged_in()
        async def handled(request: Request, session: Session) -> HTTPResponse:
            words = labels(self._language(request))
            try:
                code = parse_code(request.form.get("code") or "")
            except BadCode:
                return self._page(request, "handover.html", session, status=400, error=words["bad_code"])
            if not handover_store().delete(code):
                return self._page(request, "handover.html", session, status=404, error=words["not_found"])
            self._staff().record(session.account.name, "handled", code)  # type: ignore[union-attr]
            return self._page(request, "handover.html", session,
                              notice=words["handled"].format(code=f"{code[:3]}-{code[3:]}"))

        @desk.route("/lookup", methods=["GET"])
        @self._logged_in()
        async def lookup_page(request: Request, session: Session) -> HTTPResponse:
            query = (request.args.get("q") or "").strip()[:300]
            found = lookup(answers_from_database(), query, self._language(request)) if query else None
            return self._page(request, "lookup.html", session, query=query, found=found)

        @desk.route("/check", methods=["GET", "POST"])
        @self._logged_in()
        async def check_page(request: Request, session: Session) -> HTTPResponse:
            language = self._language(request)
            checks = self._check_engine()
            values = {name: (request.form.get(name) or "")[:100] for name in request.form} \
                if request.method == "POST" else {}
            scheme = values.get("scheme") or request.args.get("scheme") or SCHEMES[0]
            if scheme not in checks.questions:
                scheme = SCHEMES[0]
            result = run_check(checks, scheme, values, language) if request.method == "POST" else None
            return self._page(request, "check.html", session, schemes=list(checks.questions), scheme=scheme,
                              fields=check_fields(checks, scheme, language, values), values=values, result=result)

        @desk.route("/gaps", methods=["GET"])
        @self._logged_in()
        async def gaps_page(request: Request, session: Session) -> HTTPResponse:
            return self._page(request, "gaps.html", session, groups=feedback_store().gap_groups())

        @desk.route("/gaps/added", methods=["POST"])
        @self._logged_in()
        async def gaps_added(request: Request, session: Session) -> HTTPResponse:
            ids = [int(value) for value in (request.form.get("ids") or "").split(",")[:MAX_IDS]
                   if value.strip().isascii() and value.strip().isdigit() and len(value.strip()) <= 12]
            feedback_store().mark_added(ids)
            self._staff().record(session.account.name, "gap_added", detail=f"{len(ids)} question(s)")  # type: ignore[union-attr]
            return self._page(request, "gaps.html", session, groups=feedback_store().gap_groups(),
                              notice=labels(self._language(request))["added"])

        @desk.route("/feedback", methods=["GET"])
        @self._logged_in()
        async def feedback_page(request: Request, session: Session) -> HTTPResponse:
            rows = feedback_rows(feedback_store(), answers_from_database(), self._language(request))
            return self._page(request, "feedback.html", session, rows=rows)

        @desk.route("/audit", methods=["GET"])
        @self._logged_in()
        async def audit_page(request: Request, session: Session) -> HTTPResponse:
            if not session.account or not session.account.is_admin:
                return self._page(request, "message.html", session, status=403,
                                  message=labels(self._language(request))["admin_only"])
            return self._page(request, "audit.html", session, entries=self._staff().audit_entries())

        @desk.route("/api/handovers", methods=["GET"])
        @self._logged_in(api=True)
        async def api_handovers(request: Request, session: Session) -> HTTPResponse:
            # No codes: a handover opens only with the code the resident brings.
            return response.json([{"created": staff_time(item.created_at), "language": item.language,
                                   "channel": item.channel, "topics": item.topics}
                                  for item in handover_store().open()], headers=HEADERS)

        return desk

    # -- the login steps -------------------------------------------------------------------
    def _login_step(self, request: Request, session: Session, status: int = 200, error: str | None = None,
                    **values: Any) -> HTTPResponse:
        """The page for the session's next step: login, password change, second factor."""
        step = session.next_step
        if step == "done":
            return self._redirect("/desk/handover")
        if step == "setup_totp":
            secret, uri = self._staff().totp_setup(session)
            values.update(secret=" ".join(secret[i:i + 4] for i in range(0, len(secret), 4)), uri=uri)
        return self._page(request, "login.html", session, status=status, step=step, error=error, **values)

    async def _login_post(self, request: Request, step: str) -> HTTPResponse:
        staff = self._staff()
        words = labels(self._language(request))
        session = staff.session(request.cookies.get(COOKIE))
        if session is None or not staff.csrf_ok(session, request.form.get("csrf_token")):
            fresh = staff.start_session()
            return self._with_cookie(request, self._login_step(request, fresh, 403, words["form_expired"]), fresh)
        form = request.form
        # argon2 takes a tenth of a second on purpose: off the event loop, so the chat goes on.
        try:
            if step == "login" and session.next_step == "login":
                session = await asyncio.to_thread(staff.check_password, session, (form.get("name") or "").strip(),
                                                  form.get("password") or "")
            elif step == "change_password" and session.next_step == "change_password":
                new = form.get("new_password") or ""
                if new != (form.get("repeat_password") or ""):
                    return self._login_step(request, session, 400, words["passwords_differ"])
                session = await asyncio.to_thread(staff.change_password, session, new)
            elif step == "second_factor" and session.next_step == "setup_totp":
                session = await asyncio.to_thread(staff.confirm_totp, session, form.get("code") or "")
            elif step == "second_factor" and session.next_step == "totp":
                session = await asyncio.to_thread(staff.check_totp, session, form.get("code") or "")
            else:
                return self._with_cookie(request, self._login_step(request, session), session)
        except (Locked, LoginFailed) as failed:
            # One answer for a wrong name, password or code and for a locked account, so that
            # neither tells whether a name exists; a lock starts the login again.
            if isinstance(failed, Locked) and session.next_step != "login":
                session = staff.start_session()
            return self._with_cookie(request, self._login_step(request, session, 401, words["login_failed"]),
                                     session)
        except WeakPassword as weak:
            return self._login_step(request, session, 400, str(weak))
        except PermissionError:
            fresh = staff.start_session()
            return self._with_cookie(request, self._login_step(request, fresh, 403, words["form_expired"]), fresh)
        return self._with_cookie(request, self._login_step(request, session), session)
