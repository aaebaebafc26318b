"""Telling a user's devices apart in lists: "Chrome on Android", "Safari on iPhone"."""

from __future__ import annotations


def device_label(user_agent: str) -> str:
    """ "Chrome on Android", "Safari on iPhone": enough to tell one's devices apart."""
    agent = user_agent.lower()
    system = next(
        (
            name
            for needle, name in (
                ("iphone", "iPhone"),
                ("ipad", "iPad"),
                ("android", "Android"),
                ("windows", "Windows"),
                ("mac os", "Mac"),
                ("cros", "ChromeOS"),
                ("linux", "Linux"),
            )  # fmt: skip
            if needle in agent
        ),
        "",
    )
    browser = next(
        (
            name
            for needle, name in (
                ("edg/", "Edge"),
                ("firefox", "Firefox"),
                ("samsungbrowser", "Samsung Internet"),
                ("chrome", "Chrome"),
                ("chromium", "Chromium"),
                ("safari", "Safari"),
            )  # fmt: skip
            if needle in agent
        ),
        "A browser",
    )
    return f"{browser} on {system}" if system else browser
