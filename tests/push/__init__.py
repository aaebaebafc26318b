"""Tests of Web Push sending, and the mock push service they send to."""
