"""What a page in the browser asked the network for and complained about, for the browser tests."""

from __future__ import annotations


class PageWatch:
    """Everything a page asked the network for, and everything it complained about."""

    def __init__(self, page) -> None:
        self.requests: list[str] = []
        self.errors: list[str] = []
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("console", lambda message: message.type == "error" and self.errors.append(message.text))
        page.on("pageerror", lambda error: self.errors.append(str(error)))
