"""Stage 5: plain records -> RDF quads, each fact with its evidence node.

Evidence mechanism (documented in the README and the ontology): every source's facts
live in the named graph ``id/graph/<source>``. Each extracted node and each link carries
a ``pol:Evidence`` node that reifies the fact (``rdf:subject``/``rdf:predicate``/
``rdf:object``) and records ``prov:wasDerivedFrom`` (the source document),
``pol:sourceText``, ``pol:quote``, ``pol:startOffset``/``pol:endOffset`` (0-based, end
exclusive, into the normalised text stored as ``pol:text`` of the ``pol:SourceText``),
``pol:method`` (``pol:Stated`` / ``pol:Rule`` / ``pol:Curated``), ``pol:cue`` and ``pol:rule``.
The subject points to its evidence with ``pol:evidence``.
"""
