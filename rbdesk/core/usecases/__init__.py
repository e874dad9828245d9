"""Use cases over the facade: REF resolution, print selection, contacts, doctor, lint."""
