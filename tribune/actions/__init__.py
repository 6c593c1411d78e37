"""Use cases: each thing a person does, called alike by every surface."""
