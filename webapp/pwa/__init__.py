"""What makes Hipday installable and offline: the service worker and the icons."""
