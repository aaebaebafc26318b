"""The reminder process: its loop, locks and sweep."""
