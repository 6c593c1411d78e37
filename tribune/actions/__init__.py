"""Use cases: one function per thing a person does, called alike by every surface."""
