"""What users read, in their language: languages, catalogues, and locale formatting.

A leaf beside `domain/`: services, states and pages use it; it uses none of them.
"""
