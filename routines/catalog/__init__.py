"""The exercise and routine library: TOML files validated into frozen dataclasses.

A library file holds `[[exercise]]` and/or `[[routine]]` tables. Anything wrong in it stops the
load with a `LibraryError` that names the file, the entry and the field, so a typo in content
never reaches a user as a broken session.

The library's words live in `model`, reading one entry in `reader`, and loading the files (with
the figures) in `load`.
"""
