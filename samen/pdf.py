"""PDF downloads from the same HTML (and SVG charts) as the pages, through WeasyPrint.

One rule for every PDF: nothing is fetched but data: URIs. A PDF is made from text people wrote (plans,
cases, reports, agreements); an image or stylesheet address in it must never make the server fetch
anything, on the network or on its own disk.
"""

from django.conf import settings
from django.template.loader import render_to_string


def html_to_pdf(html: str, stylesheet: str) -> bytes:
    """The PDF of `html`, styled by the template `stylesheet` (a CSS file rendered like any template)."""
    # Imported here: loading WeasyPrint (and Pango) is slow, and only downloads need it.
    import weasyprint

    fetcher = weasyprint.URLFetcher(allowed_protocols=["data"])
    css = weasyprint.CSS(string=render_to_string(stylesheet), url_fetcher=fetcher)
    document = weasyprint.HTML(string=html, base_url=settings.SITE_URL, url_fetcher=fetcher)
    return document.write_pdf(stylesheets=[css])
