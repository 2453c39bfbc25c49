"""policykg: a knowledge graph of Vietnamese provincial policy documents.

Data flows one way, one module per stage:
``sources -> normalise -> segment -> extract -> resolve -> emit -> reason -> store``.
"""

__version__ = "0.1.0"
