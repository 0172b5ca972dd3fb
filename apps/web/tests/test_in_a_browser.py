"""The frontend in a real browser (Debian's chromium, driven by Playwright; never a downloaded
browser build) against the real local stack: the gene API, the worker and the frontend as
`make run` starts them. What a scientist does, what a second user cannot see, bad input, and
the accessibility basics on every page visited. Each test saves a screenshot of its page in
out/browser/ (BROWSER_SCREENSHOTS to put them elsewhere)."""

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from chr21_ops.local_stack import running_stack
from tests.support.paths import REPO

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
# Flags for a machine without a display, a sandbox (root) or a network beyond loopback.
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
SCREENSHOTS = Path(os.environ.get("BROWSER_SCREENSHOTS", REPO / "out" / "browser"))
EXAMPLE = REPO / "worker" / "examples" / "example.bed"
PASSWORD = "a long enough password"
# Small, so that the oversized upload is quick: the frontend's and the API's cap alike.
MAX_UPLOAD_BYTES = 64 * 1024
TIMEOUT_MS = 30_000


@pytest.fixture(scope="module")
def web(tmp_path_factory) -> Iterator[str]:
    with running_stack(tmp_path_factory.mktemp("stack"), MAX_UPLOAD_BYTES=str(MAX_UPLOAD_BYTES)) as stack:
        yield f"http://127.0.0.1:{stack.ports.web}"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert Path(CHROMIUM).exists(), (
        f"no browser at {CHROMIUM}: scripts/bootstrap-tools installs Debian's chromium"
    )
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser, web: str, request) -> Iterator[Page]:
    context = browser.new_context(base_url=web, accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    opened = context.new_page()
    yield opened
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    opened.screenshot(path=SCREENSHOTS / f"{request.node.name}.png", full_page=True)
    context.close()


def accessible(page: Page) -> None:
    """A title, one h1, a label for every field, a text alternative for every picture."""
    assert page.title().strip()
    assert page.locator("h1").count() == 1
    unlabelled = page.evaluate(
        """() => [...document.querySelectorAll('input, select, textarea')]
            .filter(f => !['hidden', 'submit', 'button'].includes(f.type))
            .filter(f => f.labels.length === 0 && !f.getAttribute('aria-label'))
            .map(f => f.name)"""
    )
    assert unlabelled == []
    assert page.locator("img:not([alt])").count() == 0
    assert page.locator("svg[role=img]:not(:has(title))").count() == 0


def sign_up(page: Page, name: str) -> None:
    page.goto("/accounts/signup/")
    fill_sign_up(page, name)


def fill_sign_up(page: Page, name: str) -> None:
    accessible(page)
    page.get_by_label("Username").fill(name)
    page.locator("#id_password1").fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page).to_have_url(re.compile(r"/jobs/$"))


def log_in(page: Page, name: str) -> None:
    page.goto("/accounts/login/")
    accessible(page)
    page.get_by_label("Username").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/jobs/$"))


def upload(page: Page, path_or_file) -> str:
    """Upload on the upload page; the URL of the job's page it lands on."""
    page.goto("/jobs/new/")
    accessible(page)
    page.get_by_label("File").set_input_files(path_or_file)
    page.get_by_role("button", name="Upload", exact=True).click()
    page.wait_for_url(re.compile(r"/jobs/[0-9a-f-]+/$"))
    return page.url


def test_search_for_app_from_the_home_page_and_open_its_page(page: Page):
    page.goto("/")
    accessible(page)
    page.get_by_role("search").get_by_label("Gene id, name or words of its description").fill("APP")
    page.get_by_role("search").get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"/genes/\?q=APP$"))
    accessible(page)
    page.get_by_role("link", name="ENSG00000142192").click()
    expect(page.locator("h1")).to_have_text("APP")
    expect(page.locator("dl")).to_contain_text("21:25880535-26171128")
    accessible(page)


def test_look_at_a_region_and_download_its_genes(page: Page):
    page.goto("/region/")
    page.get_by_label("Region (e.g. 21:25,880,535-26,171,128)").fill("21:25,880,535-26,171,128")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("svg.track")).to_be_visible()
    expect(page.locator("table")).to_contain_text("ENSG00000142192")
    accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="TSV").click()
    rows = Path(download.value.path()).read_text().splitlines()
    assert rows[0].startswith("gene_stable_id\t")
    assert any(row.startswith("ENSG00000142192\tAPP\t") for row in rows[1:])


def test_a_visitor_learns_on_the_home_page_how_to_annotate_a_file(page: Page):
    page.goto("/")
    annotate = page.get_by_role("region", name="Annotate your intervals")
    expect(annotate).to_contain_text("BED, VCF or gene list")
    annotate.get_by_role("link", name="sign up").click()
    fill_sign_up(page, "erin")
    page.get_by_role("button", name="Log out erin").click()
    page.goto("/")
    page.get_by_role("region", name="Annotate your intervals").get_by_role("link", name="log in").click()
    accessible(page)
    page.get_by_label("Username").fill("erin")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/jobs/new/$"))
    expect(page.get_by_label("File")).to_be_visible()
    page.goto("/")
    page.get_by_role("region", name="Annotate your intervals").get_by_role(
        "link", name="Annotate a file"
    ).click()
    expect(page.locator("h1")).to_have_text("Annotate a file")


def test_sign_up_upload_and_watch_the_job_finish_without_a_reload(page: Page):
    sign_up(page, "alice")
    upload(page, EXAMPLE)
    page.evaluate("window.loadedOnce = true")  # gone if the page reloads
    expect(page.locator("[data-field=status]")).to_have_text("succeeded", timeout=60_000)
    assert page.evaluate("window.loadedOnce") is True
    expect(page.locator("dl")).to_contain_text("Records read")
    expect(page.get_by_role("img")).to_be_visible()
    accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="TSV").click()
    first = Path(download.value.path()).read_text().splitlines()[1]
    assert first.startswith(
        "chr21\t25880535\t25880600\tinside_APP\t0\t+\tENSG00000142192\tAPP\tprotein_coding"
    )


def test_a_second_user_sees_neither_the_job_nor_its_results(page: Page):
    sign_up(page, "carol")
    job = upload(page, EXAMPLE)
    page.get_by_role("button", name="Log out carol").click()
    sign_up(page, "dave")
    expect(page.locator("main")).to_contain_text("No job yet")
    assert page.goto(job).status == 404
    expect(page.locator("h1")).to_have_text("Not found")
    assert page.goto(job + "result.tsv").status == 404
    page.goto("/")
    page.get_by_role("button", name="Log out dave").click()
    log_in(page, "carol")
    expect(page.locator("table")).to_contain_text("example.bed")


@pytest.mark.parametrize(
    ("path", "field", "value", "button", "message"),
    [
        ("/region/", "Region (e.g. 21:25,880,535-26,171,128)", "21:9-1", "Show", "start"),
        (
            "/genes/",
            "Gene id, name or words of its description",
            "a" * 3_000,
            "Search",
            "at most 200 characters",
        ),
    ],
)
def test_bad_input_gets_a_clear_message(page: Page, path, field, value, button, message):
    page.goto(path)
    page.get_by_label(field).evaluate(
        "(input, value) => { input.removeAttribute('maxlength'); input.value = value; }", value
    )
    page.get_by_role("button", name=button).click()
    expect(page.locator(".errorlist")).to_contain_text(message)
    accessible(page)


def test_a_search_too_long_for_a_url_is_refused_by_the_server_not_a_500(page: Page):
    """10,000 characters in a GET: gunicorn refuses the request line (414) before Django."""
    page.goto("/genes/")
    field = page.get_by_label("Gene id, name or words of its description")
    field.evaluate("(input) => { input.removeAttribute('maxlength'); input.value = 'a'.repeat(10000); }")
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Search").click()
    assert navigation.value.status == 414


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.bed", b"", "empty"),
        ("random.bin", bytes(range(256)) * 16, "binary"),
        ("large.bed", b"chr21\t1\t2\n" * (MAX_UPLOAD_BYTES // 10 + 1), "larger than"),
    ],
)
def test_a_bad_upload_gets_a_clear_message(page: Page, name, content, message):
    sign_up(page, f"uploader-{name.split('.')[0]}")
    page.goto("/jobs/new/")
    page.get_by_label("File").set_input_files(
        {"name": name, "mimeType": "application/octet-stream", "buffer": content}
    )
    page.get_by_role("button", name="Upload", exact=True).click()
    expect(page.locator("[data-upload-status]")).to_contain_text(message)
    expect(page.locator("[data-upload-status]")).not_to_contain_text("reference")  # the user's to mend
    expect(page).to_have_url(re.compile(r"/jobs/new/$"))


def test_an_upload_the_platform_fails_shows_the_reason_and_the_reference_to_quote(page: Page):
    # The frontend's answer when the API is down (test_jobs_pages: ..._a_503_saying_why_in_json),
    # put in the upload's place: the form's script shows both; a user's bad file shows no reference.
    sign_up(page, "uploader-down")
    page.goto("/jobs/new/")
    down = {"detail": "the gene API cannot be reached", "request_id": "trace-down"}
    page.route("**/jobs/new/", lambda route: route.fulfill(status=503, json=down))
    page.get_by_label("File").set_input_files({"name": "a.bed", "mimeType": "text/plain", "buffer": b"x"})
    page.get_by_role("button", name="Upload", exact=True).click()
    expect(page.locator("[data-upload-status]")).to_have_text(
        "the gene API cannot be reached (reference: trace-down)"
    )
