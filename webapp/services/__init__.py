"""Use cases, shared by views and the scheduler."""
