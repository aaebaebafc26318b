"""Web Push: the VAPID key, encrypted payloads, and where a push may connect."""
