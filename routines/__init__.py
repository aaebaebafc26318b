"""Hipday's domain: the exercise library, dosage, session steps and (later) plans and streaks.

Standard library only; nothing here knows about the web, the database or the clock.
"""
