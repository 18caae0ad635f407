"""What each view does with data, below the UI: opening, completing, filtering, finding the
related contact, exporting, describing a lookup. No Textual here: the app's widgets render these
objects and route keys to them, and the CLI uses the same objects.
"""
