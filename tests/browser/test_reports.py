"""The team dashboard in a browser: open it, change the period, download a table as XLSX and
open the print view. Every page passes axe-core and the CSP (``Visit.check``)."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from attune.accounts.roles import Role
from attune.referrals.tests.factories import make_referral
from tests.browser.support import authenticator_code, give_authenticator, make_team, member
from tests.browser.visit import VisitFactory

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_dashboard_period_download_and_print(visit: VisitFactory) -> None:
    team = make_team("Riverside North")
    manager = member(Role.MANAGER, team, first_name="Amara", last_name="Bello")
    key = give_authenticator(manager)
    today = timezone.localdate()
    for days_ago in (3, 10, 40):
        make_referral(team=team, submitted_by=manager, received_on=today - timedelta(days=days_ago))

    with visit() as v:
        v.sign_in_with_password(manager.username)
        v.enter_code(authenticator_code(key))
        v.page.get_by_role("link", name="Reports").first.click()
        expect(v.page.get_by_role("heading", level=1)).to_contain_text("Team dashboard")
        v.check("team dashboard")

        v.page.get_by_label("Period").select_option(label="Your own dates")
        v.page.get_by_label("From").fill((today - timedelta(days=14)).isoformat())
        v.page.get_by_label("To (for your own dates)").fill(today.isoformat())
        v.page.get_by_role("button", name="Show this period").click()
        summary = v.page.locator(".nhsuk-summary-list").first
        expect(summary).to_contain_text("Referrals received")
        expect(summary.locator("dd").first).to_have_text("2")
        v.check("team dashboard for two weeks")

        figure = v.page.get_by_test_id("figure-referrals_by_reason")
        with v.page.expect_download() as waiting:
            figure.get_by_role("link", name="XLSX of Reasons for referral").click()
        downloaded = Path(waiting.value.path()).read_bytes()  # gone once the visit closes
        assert waiting.value.suggested_filename.endswith(".xlsx")

        print_url = v.page.get_by_role("link", name="Print view").get_attribute("href")
        v.page.goto(print_url)
        v.page.emulate_media(media="print")
        expect(v.page.locator(".attune-print-header")).to_contain_text("Riverside North")
        expect(v.page.locator(".attune-filters")).to_be_hidden()
        assert v.page.pdf(format="A4").startswith(b"%PDF")

    sheet = load_workbook(io.BytesIO(downloaded)).active
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert "A parent's mental health" in values and 2 in values
